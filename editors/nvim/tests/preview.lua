-- Test of the archive diff view (:OpenSpecPreviewDiff) against the real openspec-lsp binary, on
-- a copy of examples/demo with a created capability and a refused change added. Run by
-- scripts/editors-test as
--   nvim --headless --clean -u tests/minimal_init.lua -c 'luafile tests/preview.lua'
-- Environment: OPENSPEC_LSP_BIN (default target/debug/openspec-lsp of the repo). Prints one
-- PASS/FAIL line per check and exits non-zero when any check fails.

local H = dofile(vim.g.openspec_plugin_dir .. '/tests/harness.lua')
local bin = H.bin
local out, check, wait_for, eq = H.out, H.check, H.wait_for, H.eq

local workspace = H.demo_copy('-openspec-preview')
local function write(relative, text)
  local file = workspace .. '/' .. relative
  vim.fn.mkdir(vim.fs.dirname(file), 'p')
  vim.fn.writefile(vim.split(text, '\n'), file)
end
write(
  'openspec/changes/add-two-factor-auth/specs/audit/spec.md',
  '## ADDED Requirements\n### Requirement: Sign-in audit\nThe system SHALL record every sign-in.\n\n#### Scenario: Recorded\n- **WHEN** a customer signs in\n- **THEN** the sign-in is recorded'
)
write(
  'openspec/changes/modify-missing/specs/auth/spec.md',
  '## MODIFIED Requirements\n### Requirement: Passkeys\nThe system SHALL accept passkeys.\n\n#### Scenario: Passkey\n- **WHEN** a passkey is used\n- **THEN** the customer is signed in'
)
vim.cmd.cd(vim.fn.fnameescape(workspace))

local function lines_of(name)
  local bufnr = wait_for('the buffer ' .. name, function()
    local found = vim.fn.bufnr(name)
    return found ~= -1 and found or nil
  end)
  return bufnr, vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

check('setup', function()
  assert(vim.fn.executable(bin) == 1, 'no server binary at ' .. bin)
  require('openspec').setup({ cmd = { bin }, use_lsp_start = true })
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/openspec/changes/add-two-factor-auth/specs/auth/spec.md'))
  wait_for('the openspec client', function()
    return vim.lsp.get_clients({ bufnr = 0, name = 'openspec' })[1]
  end)
end)

check(':OpenSpecPreviewDiff shows a unified diff per main spec in a read-only diff buffer', function()
  vim.cmd('OpenSpecPreviewDiff add-two-factor-auth')
  local bufnr, lines = lines_of('openspec-preview-diff://add-two-factor-auth/all')
  eq('diff', vim.bo[bufnr].filetype, 'filetype')
  eq(false, vim.bo[bufnr].modifiable, 'modifiable')
  eq({ '--- /dev/null', '+++ b/openspec/specs/audit/spec.md', '@@ -0,0 +1,13 @@', '+# audit Specification' }, vim.list_slice(lines, 1, 4), 'created file')
  local auth = vim.fn.index(lines, '--- a/openspec/specs/auth/spec.md')
  assert(auth > 0, 'no diff of auth: ' .. table.concat(lines, '\n'))
  eq('+++ b/openspec/specs/auth/spec.md', lines[auth + 2], 'auth header')
  assert(vim.tbl_contains(lines, '+### Requirement: One-time code'), table.concat(lines, '\n'))
  vim.cmd('close')
end)

check('the delta spec in the current buffer is previewed without arguments; refusals come first', function()
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/openspec/changes/modify-missing/specs/auth/spec.md'))
  vim.cmd('OpenSpecPreviewDiff')
  local _, lines = lines_of('openspec-preview-diff://modify-missing/auth')
  eq({
    '# archive would refuse: openspec/changes/modify-missing/specs/auth/spec.md:2:1: auth MODIFIED failed for header "### Requirement: Passkeys" - not found',
  }, lines, 'refused preview')
  vim.cmd('close')
end)

H.finish()
