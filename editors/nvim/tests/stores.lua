-- Stores in Neovim, against the real openspec-lsp binary: an application repository whose
-- config references a registered store (a checkout outside the working directory) and an
-- unregistered one. The unregistered reference's finding shows, its code action copies the
-- register command (client-side `openspec.copyToClipboard`), go to definition on the store id
-- opens the store's identity file, a workspace symbol opens the store's spec, and both files of
-- the checkout attach to the client already running (no second server) with hover working.
-- The registry lives in a temp XDG_DATA_HOME. Run by scripts/editors-test as
--   nvim --headless --clean -u tests/minimal_init.lua -c 'luafile tests/stores.lua'

local H = dofile(vim.g.openspec_plugin_dir .. '/tests/harness.lua')
local bin, TIMEOUT = H.bin, H.TIMEOUT
local check, finish, wait_for, eq = H.check, H.finish, H.wait_for, H.eq

local top = H.temp_dir('-openspec-stores')
local app, team, data = top .. '/app', top .. '/team-specs', top .. '/data'

local function write(path, lines)
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  vim.fn.writefile(lines, path)
end

write(app .. '/openspec/config.yaml', { 'schema: spec-driven', 'references:', '  - team-specs', '  - ghost' })
write(team .. '/.openspec-store/store.yaml', { 'version: 1', 'id: team-specs' })
write(team .. '/openspec/config.yaml', { 'schema: spec-driven' })
write(team .. '/openspec/specs/auth/spec.md', {
  '## Purpose',
  'Sign-in keeps every account safe for the people who use the product.',
  '',
  '## Requirements',
  '### Requirement: Login',
  'The system SHALL let people sign in.',
  '',
  '#### Scenario: Good password',
  '- **WHEN** the password matches',
  '- **THEN** the session starts',
})
write(data .. '/openspec/stores/registry.yaml', {
  'version: 1',
  'stores:',
  '  team-specs:',
  '    backend:',
  '      type: git',
  '      local_path: ' .. team,
})
-- The server inherits Neovim's environment: its registry is this one, never the user's.
vim.env.XDG_DATA_HOME = data
vim.cmd.cd(vim.fn.fnameescape(app))
vim.lsp.config('openspec', { cmd = { bin } })
vim.lsp.enable('openspec')

local function request(bufnr, method, params)
  local client = H.openspec_client(bufnr)
  local response, err = client:request_sync(method, params, TIMEOUT, bufnr)
  assert(response ~= nil, method .. ' got no response: ' .. tostring(err))
  assert(response.err == nil, method .. ' failed: ' .. vim.inspect(response.err))
  return response.result
end

local function at(bufnr, line, character)
  return { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = line, character = character } }
end

vim.cmd.edit(vim.fn.fnameescape(app .. '/openspec/config.yaml'))
local config_buf = vim.api.nvim_get_current_buf()
local client = H.openspec_client(config_buf)

check('the unregistered reference shows on its id', function()
  local found = wait_for('the store finding', function()
    for _, diagnostic in ipairs(vim.diagnostic.get(config_buf)) do
      if diagnostic.code == 'store/reference-unresolved' then
        return diagnostic
      end
    end
  end)
  eq({ 3, 4 }, { found.lnum, found.col }, 'finding position')
  eq("Referenced store 'ghost' is not registered on this machine.", found.message:match('^[^\n]*'), 'message')
end)

check('the code action copies the register command', function()
  local actions = request(config_buf, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(config_buf) },
    range = { start = { line = 3, character = 4 }, ['end'] = { line = 3, character = 9 } },
    context = { diagnostics = {} },
  })
  local action = actions and actions[1]
  assert(action ~= nil, 'no code action: ' .. vim.inspect(actions))
  eq("Copy the command that registers store 'ghost'", action.title, 'title')
  vim.fn.setreg('"', '')
  client:exec_cmd(action.command, { bufnr = config_buf })
  eq('openspec store register <path> --id ghost', vim.fn.getreg('"'), 'copied text')
end)

check('store ids complete and hover', function()
  local completion = request(config_buf, 'textDocument/completion', at(config_buf, 2, 6))
  local items = completion.items or completion
  eq('team-specs', items[1] and items[1].label, 'completion label')
  assert(items[1].detail:find(team, 1, true), 'detail names the checkout: ' .. tostring(items[1].detail))
  local hover = request(config_buf, 'textDocument/hover', at(config_buf, 2, 6))
  assert(hover.contents.value:find('Health: healthy', 1, true), vim.inspect(hover))
end)

check("go to definition opens the store's identity file on the same client", function()
  local result = request(config_buf, 'textDocument/definition', at(config_buf, 2, 6))
  local location = result[1] or result
  eq(vim.uri_from_fname(team .. '/.openspec-store/store.yaml'), location.uri or location.targetUri, 'target')
  vim.lsp.util.show_document(location, client.offset_encoding, { focus = true })
  local bufnr = vim.api.nvim_get_current_buf()
  eq(team .. '/.openspec-store/store.yaml', vim.api.nvim_buf_get_name(bufnr), 'opened file')
  eq(client.id, H.openspec_client(bufnr).id, 'attached client')
end)

check("a workspace symbol opens the store's spec, read-only context with hover", function()
  local symbols = request(config_buf, 'workspace/symbol', { query = 'Login' })
  local symbol
  for _, candidate in ipairs(symbols) do
    if (candidate.containerName or ''):find('[store team-specs, read-only]', 1, true) then
      symbol = candidate
    end
  end
  assert(symbol ~= nil, 'no labelled symbol: ' .. vim.inspect(symbols))
  vim.lsp.util.show_document(symbol.location, client.offset_encoding, { focus = true })
  local bufnr = vim.api.nvim_get_current_buf()
  eq(team .. '/openspec/specs/auth/spec.md', vim.api.nvim_buf_get_name(bufnr), 'opened file')
  eq(client.id, H.openspec_client(bufnr).id, 'attached client')
  local hover = request(bufnr, 'textDocument/hover', at(bufnr, symbol.location.range.start.line, 20))
  assert(hover.contents.value:find('The system SHALL let people sign in.', 1, true), vim.inspect(hover))
  eq(1, #vim.lsp.get_clients({ name = 'openspec' }), 'openspec clients')
end)

finish()
