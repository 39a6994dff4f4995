-- Headless test of :OpenSpecExplorer and "Rename through change..." against the real server:
-- the sidebar lists the active change (tasks, verdict, readiness, the capability it touches) and
-- the spec (requirements, verdict); checking the last task redraws it through
-- `openspec/outlineChanged`; <CR> opens a file; the rename code action, answered through
-- vim.ui.input and vim.ui.select, lands a RENAMED entry in the chosen change, and another run
-- creates a new change folder. Run by scripts/editors-test as
--   nvim --headless --clean -u tests/minimal_init.lua -c 'luafile tests/explorer.lua'
-- with OPENSPEC_LSP_BIN (default: target/debug/openspec-lsp of the repository).
local H = dofile(vim.g.openspec_plugin_dir .. '/tests/harness.lua')

local workspace = H.temp_dir('-openspec-explorer')
local function path(relative)
  return workspace .. '/' .. relative
end
local function write(relative, lines)
  vim.fn.mkdir(vim.fs.dirname(path(relative)), 'p')
  vim.fn.writefile(lines, path(relative))
end
write('openspec/specs/auth/spec.md', {
  '# auth',
  '',
  '## Purpose',
  'Authentication of the users of the system, so that only they can sign in.',
  '',
  '## Requirements',
  '### Requirement: Login',
  'The system SHALL log users in.',
  '',
  '#### Scenario: ok',
  '- **WHEN** a user logs in',
  '- **THEN** it works',
})
write('openspec/changes/add-2fa/proposal.md', {
  '## Why',
  'Accounts are taken over too easily with a password alone; a second factor stops that.',
  '',
  '## What Changes',
  '- Add a second factor to login.',
})
write('openspec/changes/add-2fa/tasks.md', { '## 1. Build', '- [x] 1.1 Write it', '- [ ] 1.2 Test it' })
write('openspec/changes/add-2fa/specs/auth/spec.md', {
  '## MODIFIED Requirements',
  '### Requirement: Login',
  'The system SHALL log users in with a second factor.',
  '',
  '#### Scenario: ok',
  '- **WHEN** a user logs in',
  '- **THEN** it works',
})
vim.cmd.cd(vim.fn.fnameescape(workspace))

H.out(('openspec explorer: nvim %s, server %s'):format(tostring(vim.version()), H.bin))

H.check('setup', function()
  assert(vim.fn.executable(H.bin) == 1, 'no server binary at ' .. H.bin .. ' (build it or set OPENSPEC_LSP_BIN)')
  vim.lsp.config('openspec', { cmd = { H.bin } })
  vim.lsp.enable('openspec')
  vim.cmd.edit(vim.fn.fnameescape(path('openspec/changes/add-2fa/tasks.md')))
  H.openspec_client(0)
end)

local sidebar
local function lines()
  return vim.api.nvim_buf_get_lines(sidebar, 0, -1, false)
end

H.check(':OpenSpecExplorer lists the change and the spec', function()
  local drawn = false
  vim.cmd('OpenSpecExplorer')
  sidebar = vim.api.nvim_get_current_buf()
  H.eq('openspec-explorer', vim.bo[sidebar].filetype, 'filetype')
  H.wait_for('the outline', function()
    return lines()[3] ~= nil
  end)
  drawn = true
  H.eq({
    'OpenSpec: ' .. vim.fs.basename(workspace),
    'Changes (1)',
    '  add-2fa  1/2 tasks · valid · not ready',
    '    auth (delta)',
    'Specs (1)',
    '  auth  1 requirement · valid',
  }, lines(), 'sidebar')
  assert(drawn)
end)

H.check('checking the last task redraws the sidebar (openspec/outlineChanged)', function()
  local tasks = vim.fn.bufnr(path('openspec/changes/add-2fa/tasks.md'))
  vim.api.nvim_buf_set_text(tasks, 2, 3, 2, 4, { 'x' })
  H.wait_for('the redrawn sidebar', function()
    return lines()[3] == '  add-2fa  2/2 tasks · valid · ready to archive'
  end)
end)

H.check('<CR> on a spec opens it', function()
  vim.api.nvim_set_current_win(vim.fn.bufwinid(sidebar))
  vim.api.nvim_win_set_cursor(0, { 6, 0 })
  vim.api.nvim_feedkeys(vim.keycode('<CR>'), 'x', false)
  H.eq(path('openspec/specs/auth/spec.md'), vim.api.nvim_buf_get_name(0), 'opened file')
  H.eq('spec', require('openspec.explorer').node(sidebar, 6).kind, 'node kind')
end)

H.check('p previews the change, c says whether it is ready to archive', function()
  local explorer = require('openspec.explorer')
  local change = explorer.node(sidebar, 3)
  H.eq('add-2fa', change.change, 'node')
  explorer.actions.preview(change)
  local preview = H.wait_for('the preview buffer', function()
    local found = vim.fn.bufnr('openspec-preview://add-2fa/all')
    return found ~= -1 and found or nil
  end)
  local text = table.concat(vim.api.nvim_buf_get_lines(preview, 0, -1, false), '\n')
  assert(text:find('The system SHALL log users in with a second factor.', 1, true), text)
  local said
  local notify = vim.notify
  vim.notify = function(message)
    said = message
  end
  -- `check` reads the files as saved; the task was checked in a buffer.
  vim.api.nvim_buf_call(vim.fn.bufnr(path('openspec/changes/add-2fa/tasks.md')), function()
    vim.cmd('silent write')
  end)
  explorer.actions.check(change)
  H.wait_for('the check', function()
    return said
  end)
  vim.notify = notify
  H.eq('OpenSpec: ✓ change/add-2fa: ready to archive', said, 'message')
end)

H.check('h lists the history of a spec in the quickfix list', function()
  local explorer = require('openspec.explorer')
  local done
  explorer.actions.history(explorer.node(sidebar, 6), function(items)
    done = items
  end)
  H.wait_for('the history', function()
    return done
  end)
  local qf = vim.fn.getqflist()
  H.eq(1, #qf, 'entries')
  H.eq('Login: MODIFIED by add-2fa (active)', qf[1].text, 'entry')
  H.eq(path('openspec/changes/add-2fa/specs/auth/spec.md'), vim.api.nvim_buf_get_name(qf[1].bufnr), 'file')
  vim.cmd('cclose')
end)

--- Runs the rename code action at the Login header with `answers` for the prompts.
local function rename(answers)
  local inputs, selects = vim.deepcopy(answers.inputs), answers.select
  local offered
  vim.ui.input = function(_, on_confirm)
    on_confirm(table.remove(inputs, 1))
  end
  vim.ui.select = function(items, _, on_choice)
    offered = items
    on_choice(selects)
  end
  local spec = vim.fn.bufadd(path('openspec/specs/auth/spec.md'))
  vim.fn.bufload(spec)
  vim.api.nvim_set_current_buf(spec)
  local client = H.openspec_client(spec)
  vim.api.nvim_win_set_cursor(0, { 7, 20 })
  local done = false
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = {}, only = { 'refactor' } }
  local response = client:request_sync('textDocument/codeAction', params, H.TIMEOUT, spec)
  local command
  for _, action in ipairs((response or {}).result or {}) do
    if type(action.command) == 'table' and action.command.command == 'openspec.renameThroughChange' then
      command = action.command
    end
  end
  assert(command, 'no rename-through-change action: ' .. vim.inspect(response))
  require('openspec.rename').run(command, { client_id = client.id, bufnr = spec }, function()
    done = true
  end)
  H.wait_for('the rename', function()
    return done
  end)
  return offered
end

H.check('rename through an existing change adds the RENAMED entry there', function()
  local offered = rename({ inputs = { 'Sign in' }, select = 'add-2fa' })
  H.eq({ 'add-2fa', 'New change…' }, offered, 'choices')
  local delta = path('openspec/changes/add-2fa/specs/auth/spec.md')
  H.eq(delta, vim.api.nvim_buf_get_name(0), 'the delta spec is shown')
  H.eq({
    '## MODIFIED Requirements',
    '### Requirement: Sign in',
    'The system SHALL log users in with a second factor.',
    '',
    '#### Scenario: ok',
    '- **WHEN** a user logs in',
    '- **THEN** it works',
    '',
    '## RENAMED Requirements',
    '- FROM: `### Requirement: Login`',
    '- TO: `### Requirement: Sign in`',
  }, vim.api.nvim_buf_get_lines(0, 0, -1, false), 'delta')
end)

H.check('rename through a new change creates the folder with a proposal and the delta', function()
  -- add-2fa renames Login already, so only a new change is offered; add-2fa's FROM follows.
  local offered = rename({ inputs = { 'Log in', 'rename-login' }, select = 'New change…' })
  H.eq({ 'New change…' }, offered, 'choices')
  local delta = path('openspec/changes/rename-login/specs/auth/spec.md')
  H.eq(delta, vim.api.nvim_buf_get_name(0), 'the new delta spec is shown')
  H.eq({
    '## RENAMED Requirements',
    '- FROM: `### Requirement: Login`',
    '- TO: `### Requirement: Log in`',
    -- Neovim keeps the inserted text's final line break as an empty last line of a new buffer.
    '',
  }, vim.api.nvim_buf_get_lines(0, 0, -1, false), 'new delta')
  local other = vim.fn.bufnr(path('openspec/changes/add-2fa/specs/auth/spec.md'))
  H.eq('- FROM: `### Requirement: Log in`', vim.api.nvim_buf_get_lines(other, 9, 10, false)[1], 'add-2fa follows')
  local proposal = vim.fn.bufnr(path('openspec/changes/rename-login/proposal.md'))
  assert(proposal ~= -1, 'the proposal buffer was not created')
  H.eq('## Why', vim.api.nvim_buf_get_lines(proposal, 0, 1, false)[1], 'proposal')
end)

H.finish()
