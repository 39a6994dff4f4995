-- End-to-end test of the Neovim plugin against the real openspec-lsp binary, on a copy of
-- examples/demo. Run by scripts/editors-test as
--   nvim --headless --clean -u tests/minimal_init.lua -c 'luafile tests/e2e.lua'
-- Environment: OPENSPEC_LSP_BIN (the server; default target/debug/openspec-lsp of the repo),
-- OPENSPEC_E2E_MODE = "config" (vim.lsp.config + vim.lsp.enable, every check) or "setup"
-- (require('openspec').setup{ use_lsp_start = true }, the path for older Neovim: attach,
-- diagnostics and the commands). Prints one PASS/FAIL line per check and exits non-zero when
-- any check fails.

local H = dofile(vim.g.openspec_plugin_dir .. '/tests/harness.lua')
local repo, bin, TIMEOUT = H.repo, H.bin, H.TIMEOUT
local out, check, finish, wait_for, eq = H.out, H.check, H.finish, H.wait_for, H.eq
local mode = os.getenv('OPENSPEC_E2E_MODE') or 'config'

-- A fresh copy of the demo workspace, so edits never touch the repository.
local workspace = H.demo_copy('-openspec-e2e')
vim.fn.writefile({ '# Not an OpenSpec file' }, workspace .. '/README.md')
vim.cmd.cd(vim.fn.fnameescape(workspace))

local function path(relative)
  return workspace .. '/' .. relative
end

local function edit(relative)
  local loaded = vim.fn.bufnr(path(relative))
  if loaded ~= -1 and vim.api.nvim_buf_is_loaded(loaded) then
    -- `:edit` of a modified buffer would fail (E37); switch to it instead.
    vim.api.nvim_set_current_buf(loaded)
  else
    vim.cmd.edit(vim.fn.fnameescape(path(relative)))
  end
  return vim.api.nvim_get_current_buf()
end

local function buffer_of(relative)
  local bufnr = vim.fn.bufnr(path(relative))
  return bufnr ~= -1 and bufnr or nil
end

local openspec_client = H.openspec_client

local function request(bufnr, method, params)
  local client = openspec_client(bufnr)
  local response, err = client:request_sync(method, params, TIMEOUT, bufnr)
  assert(response ~= nil, method .. ' got no response: ' .. tostring(err))
  assert(response.err == nil, method .. ' failed: ' .. vim.inspect(response.err))
  return response.result
end

local function at(bufnr, line, character)
  return { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = line, character = character } }
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

local function rendered_diagnostics(bufnr)
  local lines = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(
      lines,
      ('%d:%d-%d:%d %s'):format(diagnostic.lnum, diagnostic.col, diagnostic.end_lnum, diagnostic.end_col, tostring(diagnostic.code))
    )
  end
  table.sort(lines)
  return lines
end

local TASKS = 'openspec/changes/rework-notifications/tasks.md'
local DELTA = 'openspec/changes/rework-notifications/specs/notifications/spec.md'
local BASE = 'openspec/specs/notifications/spec.md'

out(('openspec e2e: mode %s, nvim %s, server %s'):format(mode, tostring(vim.version()), bin))

check('setup', function()
  assert(vim.fn.executable(bin) == 1, 'no server binary at ' .. bin .. ' (build it or set OPENSPEC_LSP_BIN)')
  if mode == 'setup' then
    require('openspec').setup({ cmd = { bin }, use_lsp_start = true })
  else
    assert(vim.lsp.config ~= nil, 'this Neovim has no vim.lsp.config; run with OPENSPEC_E2E_MODE=setup')
    vim.lsp.config('openspec', { cmd = { bin } })
    vim.lsp.enable('openspec')
    local config = vim.lsp.config.openspec
    eq({ bin }, config.cmd, 'resolved cmd')
    eq({ 'markdown', 'yaml' }, config.filetypes, 'filetypes')
  end
end)

check('the client attaches to an OpenSpec file, rooted at the folder holding openspec/', function()
  local bufnr = edit(TASKS)
  local client = openspec_client(bufnr)
  eq(workspace, client.root_dir, 'root_dir')
  eq('openspec-lsp', client.server_info and client.server_info.name, 'server name')
end)

local readme_bufnr = nil

check('the client does not attach to Markdown outside openspec/', function()
  local clients_before = #vim.lsp.get_clients({ name = 'openspec' })
  local bufnr = edit('README.md')
  readme_bufnr = bufnr
  -- No fixed sleep (an attach slower than the sleep would pass it). The decision itself:
  eq(nil, require('openspec').root_for_buffer(bufnr), 'the OpenSpec root of README.md')
  -- Both setups decide in the FileType autocommand, and a client records a buffer as attached
  -- at once (before it has even initialised), so an attach would already show:
  eq(0, #vim.lsp.get_clients({ bufnr = bufnr, name = 'openspec' }), 'clients on README.md right after opening it')
  -- Anything asynchronous is ordered: open an OpenSpec file after README.md and wait until the
  -- client attaches to it; README.md's turn has passed by then. No second client was started.
  local later = edit(BASE)
  openspec_client(later)
  eq(0, #vim.lsp.get_clients({ bufnr = bufnr, name = 'openspec' }), 'clients on README.md')
  eq(clients_before, #vim.lsp.get_clients({ name = 'openspec' }), 'openspec clients')
  -- And once more at the very end of the run, seconds later.
end)

check('diagnostics arrive with their codes and 0-based positions', function()
  local bufnr = edit(TASKS)
  local rendered = wait_for('two diagnostics on tasks.md', function()
    local lines = rendered_diagnostics(bufnr)
    return #lines >= 2 and lines or nil
  end)
  eq({ '4:6-4:9 tasks/duplicate-id', '8:6-8:9 tasks/group-mismatch' }, rendered, 'tasks.md diagnostics')
  local delta = edit(DELTA)
  local delta_rendered = wait_for('delta/scenario-loss on the delta spec', function()
    local lines = rendered_diagnostics(delta)
    return vim.tbl_contains(lines, '1:0-1:31 delta/scenario-loss') and lines or nil
  end)
  assert(vim.tbl_contains(delta_rendered, '11:0-11:57 delta/missing-shall-must'), vim.inspect(delta_rendered))
end)

check(':OpenSpecPreview shows the merged spec in a read-only scratch buffer', function()
  edit(DELTA)
  vim.cmd('OpenSpecPreview add-two-factor-auth auth')
  local bufnr = wait_for('the preview buffer', function()
    local found = vim.fn.bufnr('openspec-preview://add-two-factor-auth/auth')
    return found ~= -1 and found or nil
  end)
  local text = buffer_text(bufnr)
  assert(text:find('### Requirement: One-time code', 1, true), text)
  assert(text:find('### Requirement: Password sign-in', 1, true), text)
  eq(false, vim.bo[bufnr].modifiable, 'modifiable')
  eq('markdown', vim.bo[bufnr].filetype, 'filetype')
  vim.cmd('close')
end)

check(':OpenSpecCheck fills the quickfix list from `openspec-lsp check`', function()
  vim.fn.setqflist({}, 'r', { title = 'stale', items = {} })
  edit(TASKS)
  vim.cmd('OpenSpecCheck')
  local items = wait_for('the quickfix list', function()
    local list = vim.fn.getqflist({ title = 1, items = 1 })
    return list.title:find('^openspec%-lsp check') and list.items or nil
  end, 30000)
  local found = false
  for _, item in ipairs(items) do
    if vim.api.nvim_buf_get_name(item.bufnr) == path(TASKS) and item.lnum == 5 and item.col == 7 then
      assert(item.text:find('tasks/duplicate-id', 1, true), item.text)
      found = true
    end
  end
  assert(found, 'no quickfix item for tasks.md:5:7: ' .. vim.inspect(items))
  vim.cmd('cclose')
end)

check(':checkhealth openspec reports the binary, its version and the root', function()
  vim.cmd('checkhealth openspec')
  local bufnr = wait_for('the health report', function()
    for _, candidate in ipairs(vim.api.nvim_list_bufs()) do
      if vim.bo[candidate].filetype == 'checkhealth' then
        local text = buffer_text(candidate)
        if text:find('OpenSpec roots', 1, true) then
          return candidate
        end
      end
    end
  end)
  local text = buffer_text(bufnr)
  local version = vim.trim(vim.fn.system({ bin, '--version' }))
  assert(text:find('version: ' .. version, 1, true), 'no version line in:\n' .. text)
  assert(text:find('the current folder is in the root ' .. workspace, 1, true), 'no root line in:\n' .. text)
  assert(not text:find('ERROR', 1, true), 'errors in:\n' .. text)
  vim.cmd('bwipeout! ' .. bufnr)
end)

if mode == 'config' then
  check('completion in a MODIFIED section offers the base requirement names', function()
    local bufnr = edit(DELTA)
    openspec_client(bufnr)
    vim.api.nvim_buf_set_lines(bufnr, 9, 9, false, { '### Requirement: ', '' })
    local result = request(bufnr, 'textDocument/completion', at(bufnr, 9, 17))
    local items = result and (result.items or result) or {}
    local labels = {}
    for _, item in ipairs(items) do
      labels[item.label] = true
    end
    assert(labels['Unsubscribe'], 'no "Unsubscribe" in ' .. vim.inspect(vim.tbl_keys(labels)))
    -- "Shipping email" is already MODIFIED in this section; it is not offered twice.
    assert(not labels['Shipping email'], '"Shipping email" offered again: ' .. vim.inspect(vim.tbl_keys(labels)))
    vim.api.nvim_buf_set_lines(bufnr, 9, 11, false, {})
  end)

  check('go to definition from a MODIFIED header lands on the base requirement', function()
    local bufnr = edit(DELTA)
    openspec_client(bufnr)
    vim.api.nvim_win_set_cursor(0, { 2, 20 })
    vim.lsp.buf.definition()
    wait_for('the jump to the base spec', function()
      return vim.api.nvim_buf_get_name(0) == path(BASE)
    end)
    eq(8, vim.api.nvim_win_get_cursor(0)[1], 'cursor line in the base spec')
    eq('### Requirement: Shipping email', vim.api.nvim_get_current_line(), 'line under the cursor')
  end)

  check('references of a base requirement include the delta naming it', function()
    local bufnr = edit(BASE)
    local result = request(bufnr, 'textDocument/references', vim.tbl_extend('force', at(bufnr, 7, 20), { context = { includeDeclaration = false } }))
    local uris = vim.tbl_map(function(location)
      return vim.uri_to_fname(location.uri)
    end, result or {})
    assert(vim.tbl_contains(uris, path(DELTA)), vim.inspect(uris))
  end)

  check('hover on a base requirement shows its text', function()
    local bufnr = edit(BASE)
    local result = request(bufnr, 'textDocument/hover', at(bufnr, 7, 20))
    assert(result and result.contents, 'no hover')
    local value = type(result.contents) == 'table' and (result.contents.value or vim.inspect(result.contents)) or tostring(result.contents)
    assert(value:find('SHALL email the customer', 1, true), value)
  end)

  check('document and workspace symbols', function()
    local bufnr = edit(BASE)
    local symbols = request(bufnr, 'textDocument/documentSymbol', { textDocument = { uri = vim.uri_from_bufnr(bufnr) } })
    local names = {}
    local function collect(list)
      for _, symbol in ipairs(list or {}) do
        table.insert(names, symbol.name)
        collect(symbol.children)
      end
    end
    collect(symbols)
    local joined = table.concat(names, ' | ')
    assert(joined:find('Shipping email', 1, true) and joined:find('No email address', 1, true), joined)
    local found = request(bufnr, 'workspace/symbol', { query = 'shipemail' })
    local found_names = vim.tbl_map(function(symbol)
      return symbol.name
    end, found or {})
    assert(table.concat(found_names, ' | '):find('Shipping email', 1, true), vim.inspect(found_names))
  end)

  check('semantic tokens mark SHALL in a requirement', function()
    local bufnr = edit(BASE)
    openspec_client(bufnr)
    local tokens = wait_for('semantic tokens on the SHALL of line 9', function()
      local at_pos = vim.lsp.semantic_tokens.get_at_pos(bufnr, 8, 12)
      return at_pos and #at_pos > 0 and at_pos or nil
    end)
    assert(tokens[1].type ~= nil, vim.inspect(tokens))
  end)

  check('a code lens runs openspec.showLocations, which lists the places in the quickfix list', function()
    local bufnr = edit(BASE)
    local client = openspec_client(bufnr)
    local lenses = request(bufnr, 'textDocument/codeLens', { textDocument = { uri = vim.uri_from_bufnr(bufnr) } })
    local lens
    for _, candidate in ipairs(lenses or {}) do
      if candidate.command and candidate.command.title:find('rework-notifications', 1, true) then
        lens = candidate
      end
    end
    assert(lens, 'no lens naming rework-notifications: ' .. vim.inspect(lenses))
    eq('openspec.showLocations', lens.command.command, 'lens command')
    vim.fn.setqflist({}, 'r', { title = 'stale', items = {} })
    client:exec_cmd(lens.command, { bufnr = bufnr })
    local items = wait_for('the quickfix list', function()
      local list = vim.fn.getqflist()
      return #list > 0 and list or nil
    end)
    eq(path(DELTA), vim.api.nvim_buf_get_name(items[1].bufnr), 'quickfix file')
    vim.cmd('cclose')
    edit(BASE)
  end)

  check('a code action applies and changes the buffer', function()
    local bufnr = edit(DELTA)
    wait_for('delta/scenario-loss on the MODIFIED header', function()
      return vim.tbl_contains(rendered_diagnostics(bufnr), '1:0-1:31 delta/scenario-loss')
    end)
    assert(not buffer_text(bufnr):find('#### Scenario: No email address', 1, true), 'the scenario is there already')
    vim.api.nvim_win_set_cursor(0, { 2, 0 })
    vim.lsp.buf.code_action({
      apply = true,
      filter = function(action)
        return action.title:find('^Copy the missing scenario') ~= nil
      end,
    })
    wait_for('the copied scenario in the buffer', function()
      return buffer_text(bufnr):find('#### Scenario: No email address', 1, true)
    end)
    assert(buffer_text(bufnr):find('the shop staff see a warning on the order', 1, true), buffer_text(bufnr))
  end)

  check('rename of a base requirement updates the delta that names it', function()
    local delta = edit(DELTA)
    local bufnr = edit(BASE)
    openspec_client(bufnr)
    vim.api.nvim_win_set_cursor(0, { 8, 20 })
    vim.lsp.buf.rename('Shipping notice', { name = 'openspec' })
    wait_for('the rename in the base spec', function()
      return vim.api.nvim_buf_get_lines(bufnr, 7, 8, false)[1] == '### Requirement: Shipping notice'
    end)
    wait_for('the rename in the delta spec', function()
      return vim.api.nvim_buf_get_lines(delta, 1, 2, false)[1] == '### Requirement: Shipping notice'
    end)
  end)

  check('highlight queries: OpenSpec keywords over the Markdown captures', function()
    local function captures(lang, text)
      local parser = vim.treesitter.get_string_parser(text, lang)
      local tree = parser:parse()[1]
      local query = vim.treesitter.query.get(lang, 'highlights')
      assert(query, 'no highlights query for ' .. lang)
      local found = {}
      for id, node, metadata in query:iter_captures(tree:root(), text) do
        local name = query.captures[id]
        if name:find('openspec', 1, true) or name:find('^diff') then
          local range = vim.treesitter.get_range(node, text, metadata[id])
          table.insert(found, ('%s %d:%d-%d:%d'):format(name, range[1], range[2], range[4], range[5]))
        end
      end
      return found
    end
    local document = table.concat({
      '## MODIFIED Requirements',
      '### Requirement: Shipping email',
      'The system SHALL notify.',
      '',
      '#### Scenario: Shipped',
      '- **WHEN** it ships',
      '',
      '## REMOVED Requirements',
      '### Requirements: not a requirement header',
    }, '\n') .. '\n'
    eq({
      'diff.delta 0:0-0:11',
      'keyword.openspec 1:0-1:16',
      'keyword.openspec 4:0-4:14',
      'diff.minus 7:0-7:10',
    }, captures('markdown', document), 'markdown captures')
    eq({ 'keyword.openspec 0:2-0:10' }, captures('markdown_inline', '- **WHEN** it ships'), 'markdown_inline captures')
  end)
end

check('README.md still has no openspec client at the end of the run', function()
  assert(readme_bufnr ~= nil and vim.api.nvim_buf_is_valid(readme_bufnr), 'README.md was opened by an earlier check')
  eq(0, #vim.lsp.get_clients({ bufnr = readme_bufnr, name = 'openspec' }), 'clients on README.md')
end)

finish()
