-- Test of :OpenSpecHistory against the real openspec-lsp binary, on a workspace whose archive
-- renames a requirement and has an undated folder. Run by scripts/editors-test as
--   nvim --headless --clean -u tests/minimal_init.lua -c 'luafile tests/history.lua'
-- Environment: OPENSPEC_LSP_BIN (default target/debug/openspec-lsp of the repo).

local h = dofile(vim.g.openspec_plugin_dir .. '/tests/harness.lua')

local workspace = h.temp_dir('-openspec-history')
local function write(relative, text)
  h.write(workspace, relative, text)
end
write(
  'openspec/specs/auth/spec.md',
  '# auth Specification\n\n## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: Sign in\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts'
)
write('openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md', '## ADDED Requirements\n### Requirement: Login\nThe system SHALL let people log in.')
write(
  'openspec/changes/archive/2024-02-01-rename-login/specs/auth/spec.md',
  '## RENAMED Requirements\n- FROM: `### Requirement: Login`\n- TO: `### Requirement: Sign in`'
)
write('openspec/changes/archive/by-hand/specs/auth/spec.md', '## MODIFIED Requirements\n### Requirement: Sign in\nThe system SHALL let people sign in.')
vim.cmd.cd(vim.fn.fnameescape(workspace))

local EXPECTED = {
  { 'openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md', 2, '2024-01-05 ADDED add-login: Login' },
  { 'openspec/changes/archive/2024-02-01-rename-login/specs/auth/spec.md', 2, '2024-02-01 RENAMED FROM rename-login: Login -> Sign in' },
  { 'openspec/changes/archive/2024-02-01-rename-login/specs/auth/spec.md', 3, '2024-02-01 RENAMED TO rename-login: Sign in <- Login' },
  { 'openspec/changes/archive/by-hand/specs/auth/spec.md', 2, 'no date MODIFIED by-hand: Sign in' },
  { 'openspec/specs/auth/spec.md', 7, 'now main spec: Sign in (added by add-login · modified 1x · renamed 1x · last by by-hand)' },
}

local function quickfix()
  local found = {}
  for _, item in ipairs(vim.fn.getqflist()) do
    local name = vim.fs.normalize(vim.api.nvim_buf_get_name(item.bufnr))
    table.insert(found, { name:sub(#workspace + 2), item.lnum, item.text })
  end
  return found
end

local function run(command)
  local before = vim.fn.getqflist({ id = 0 }).id
  vim.cmd(command)
  h.wait_for('the quickfix list of ' .. command, function()
    return vim.fn.getqflist({ id = 0 }).id ~= before
  end)
end

h.check('setup', function()
  assert(vim.fn.executable(h.bin) == 1, 'no server binary at ' .. h.bin)
  require('openspec').setup({ cmd = { h.bin }, use_lsp_start = true })
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/openspec/specs/auth/spec.md'))
  h.openspec_client(0)
end)

h.check(':OpenSpecHistory auth Sign in fills the quickfix list, oldest first', function()
  run('OpenSpecHistory auth Sign in')
  h.eq(EXPECTED, quickfix(), 'quickfix')
  h.eq('OpenSpec history: auth / Sign in', vim.fn.getqflist({ title = 1 }).title, 'title')
  vim.cmd('cclose')
end)

h.check(':OpenSpecHistory on the requirement under the cursor', function()
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/openspec/specs/auth/spec.md'))
  vim.api.nvim_win_set_cursor(0, { 8, 4 })
  run('OpenSpecHistory')
  h.eq(EXPECTED, quickfix(), 'quickfix')
  vim.cmd('cclose')
end)

h.check('a cursor on no requirement says so', function()
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/openspec/specs/auth/spec.md'))
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  local said
  local notify = vim.notify
  vim.notify = function(message)
    said = tostring(message)
  end
  vim.cmd('OpenSpecHistory')
  h.wait_for('the error', function()
    return said
  end)
  vim.notify = notify
  assert(said:find('no history: no requirement at the cursor', 1, true), said)
end)

h.finish()
