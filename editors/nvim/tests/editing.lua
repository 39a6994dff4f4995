-- Headless test of what a user meets while editing, through Neovim's own machinery: accepting
-- a completion with the omnifunc (<C-x><C-o>, <C-n>, <C-y>) inserts the whole requirement name
-- (multi-word and CJK), the "copy" item inserts the requirement; the quick fix creating a delta
-- spec opens the new file; :OpenSpecCheck! leaves the verdict lines in view. Run by
-- scripts/editors-test as
--   nvim --headless --clean -u tests/minimal_init.lua -c 'luafile tests/editing.lua'
-- with OPENSPEC_LSP_BIN (default: target/debug/openspec-lsp of the repository).
local H = dofile(vim.g.openspec_plugin_dir .. '/tests/harness.lua')

local BASE = {
  '# auth Specification',
  '',
  '## Purpose',
  'Sign-in and paths work the same for every user on every supported platform.',
  '',
  '## Requirements',
  '### Requirement: Cross-platform path handling',
  'The system SHALL handle paths the same way everywhere.',
  '',
  '#### Scenario: Windows paths',
  '- **WHEN** a path uses backslashes',
  '- **THEN** it is read as on Linux',
  '',
  '### Requirement: 登录 流程 安全',
  'The system SHALL keep sign-in safe.',
  '',
  '#### Scenario: 登录',
  '- **WHEN** a user signs in',
  '- **THEN** the session starts',
}

local workspace = H.temp_dir('-openspec-editing')
local function path(relative)
  return workspace .. '/' .. relative
end
local function write(relative, lines)
  vim.fn.mkdir(vim.fs.dirname(path(relative)), 'p')
  vim.fn.writefile(lines, path(relative))
end
write('openspec/specs/auth/spec.md', BASE)
write('openspec/changes/c/specs/auth/spec.md', { '## MODIFIED Requirements', '### Requirement: ' })
write('openspec/changes/c/proposal.md', {
  '## Why',
  'People need a second factor so that a stolen password alone opens nothing.',
  '',
  '## What Changes',
  '- Add one-time codes',
  '',
  '## Capabilities',
  '### New Capabilities',
  '- `two-factor`: one-time codes',
  '',
  '### Modified Capabilities',
  '- `auth`: sign-in asks for a code',
})
write('openspec/changes/c/tasks.md', { '## 1. Codes', '- [ ] 1.1 Add codes' })
write('openspec/changes/c/design.md', { '# Design' })
vim.cmd.cd(vim.fn.fnameescape(workspace))

local DELTA = 'openspec/changes/c/specs/auth/spec.md'

local function feed(keys)
  vim.api.nvim_feedkeys(vim.keycode(keys), 'n', false)
end

--- Replaces line `lnum` with `text`, then, as a user would, appends to it in Insert mode, opens
--- omni completion (<C-x><C-o>: vim.lsp.omnifunc) and accepts the item labelled `label`
--- (<C-n>... <C-y>). Returns the labels offered. Timers drive the keys while Insert mode waits.
local function accept_completion(bufnr, lnum, text, label)
  vim.api.nvim_buf_set_lines(bufnr, lnum - 1, lnum, false, { text })
  vim.o.completeopt = 'menu,menuone,noselect'
  local offered = {}
  local accepted = false
  local deadline = vim.uv.now() + H.TIMEOUT
  vim.fn.timer_start(20, function(timer)
    local items = vim.fn.complete_info({ 'items' }).items
    if not accepted and #items > 0 then
      for idx, item in ipairs(items) do
        table.insert(offered, item.abbr)
        if item.abbr == label and not accepted then
          accepted = true
          feed(string.rep('<C-n>', idx) .. '<C-y>')
        end
      end
      if not accepted then
        vim.fn.timer_stop(timer)
        feed('<C-e><Esc>')
      end
    elseif accepted and vim.fn.pumvisible() == 0 then
      vim.fn.timer_stop(timer)
      vim.defer_fn(function()
        feed('<Esc>')
      end, 100)
    elseif vim.uv.now() > deadline then
      vim.fn.timer_stop(timer)
      feed('<C-e><Esc>')
    end
  end, { ['repeat'] = -1 })
  vim.api.nvim_win_set_cursor(0, { lnum, 0 })
  vim.api.nvim_feedkeys(vim.keycode('A<C-x><C-o>'), 'x!', false)
  assert(accepted, ('%q was not offered; offered: %s'):format(label, vim.inspect(offered)))
  return offered
end

H.out(('openspec editing: nvim %s, server %s'):format(tostring(vim.version()), H.bin))

H.check('setup', function()
  assert(vim.fn.executable(H.bin) == 1, 'no server binary at ' .. H.bin .. ' (build it or set OPENSPEC_LSP_BIN)')
  vim.lsp.config('openspec', { cmd = { H.bin } })
  vim.lsp.enable('openspec')
end)

-- A multi-word name, then a CJK one with spaces: the omnifunc used to insert the first word.
for _, case in ipairs({
  { what = 'a multi-word', typed = 'Cross-pl', name = 'Cross-platform path handling' },
  { what = 'a CJK', typed = '登录', name = '登录 流程 安全' },
}) do
  H.check(('omni completion inserts %s requirement name whole'):format(case.what), function()
    local bufnr = vim.fn.bufadd(path(DELTA))
    vim.fn.bufload(bufnr)
    vim.api.nvim_set_current_buf(bufnr)
    H.openspec_client(bufnr)
    vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, { '## MODIFIED Requirements', '' })
    local offered = accept_completion(bufnr, 2, '### Requirement: ' .. case.typed, case.name)
    assert(vim.tbl_contains(offered, case.name .. ' (copy current requirement)'), vim.inspect(offered))
    H.eq('### Requirement: ' .. case.name, vim.api.nvim_buf_get_lines(bufnr, 1, 2, false)[1], 'line 2')
  end)
end

H.check('the copy item inserts the current requirement', function()
  local bufnr = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, { '## MODIFIED Requirements', '' })
  accept_completion(bufnr, 2, '### Requirement: Cross', 'Cross-platform path handling (copy current requirement)')
  local expected = { '## MODIFIED Requirements' }
  vim.list_extend(expected, vim.list_slice(BASE, 7, 12))
  H.eq(expected, vim.api.nvim_buf_get_lines(bufnr, 0, 7, false), 'delta')
end)

H.check('the quick fix creating a delta spec opens the new file', function()
  vim.cmd.edit(vim.fn.fnameescape(path('openspec/changes/c/proposal.md')))
  local proposal = vim.api.nvim_get_current_buf()
  H.openspec_client(proposal)
  H.wait_for('the missing-delta finding', function()
    for _, diagnostic in ipairs(vim.diagnostic.get(proposal)) do
      if diagnostic.code == 'proposal/capability-without-delta' then
        return true
      end
    end
  end)
  vim.api.nvim_win_set_cursor(0, { 9, 4 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.title:match('two%-factor/spec%.md$') ~= nil
    end,
  })
  local created = path('openspec/changes/c/specs/two-factor/spec.md')
  H.wait_for('the created file in the current window', function()
    return vim.api.nvim_buf_get_name(0) == created
  end)
  H.eq('## ADDED Requirements', vim.api.nvim_buf_get_lines(0, 0, 1, false)[1], 'first line of the new file')
end)

H.check(':OpenSpecCheck! leaves the verdict lines in view', function()
  local demo = H.demo_copy('-openspec-demo')
  vim.cmd('OpenSpecCheck! ' .. vim.fn.fnameescape(demo))
  local win = vim.api.nvim_get_current_win()
  local bufnr = vim.api.nvim_get_current_buf()
  H.eq('terminal', vim.bo[bufnr].buftype, 'buftype')
  local job = vim.b[bufnr].terminal_job_id
  -- The demo fails one change on purpose: the check exits 1.
  H.eq({ 1 }, vim.fn.jobwait({ job }, H.TIMEOUT), 'exit code of the check')
  local totals = H.wait_for('the Totals line', function()
    for lnum, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      if line:match('^Totals:') then
        return lnum
      end
    end
  end)
  assert(totals > vim.api.nvim_win_get_height(win), 'the report fits the window; the test proves nothing')
  H.wait_for(('line %d (Totals) in view'):format(totals), function()
    local first, last = vim.fn.line('w0', win), vim.fn.line('w$', win)
    return first <= totals and totals <= last
  end, 3000)
end)

H.finish()
