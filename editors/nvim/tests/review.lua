-- Headless test of review criteria as policy: with an openspec-lsp.toml enabling
-- review/scenario-missing-step, a scenario without a THEN step shows the finding, and its quick
-- fix (vim.lsp.buf.code_action) adds the THEN bullet skeleton, after which the finding goes.
-- Run by scripts/editors-test as
--   nvim --headless --clean -u tests/minimal_init.lua -c 'luafile tests/review.lua'
-- with OPENSPEC_LSP_BIN (default: target/debug/openspec-lsp of the repository).
local H = dofile(vim.g.openspec_plugin_dir .. '/tests/harness.lua')

local workspace = H.temp_dir('-openspec-review')
local function path(relative)
  return workspace .. '/' .. relative
end
local function write(relative, lines)
  vim.fn.mkdir(vim.fs.dirname(path(relative)), 'p')
  vim.fn.writefile(lines, path(relative))
end
vim.fn.mkdir(path('openspec/specs'), 'p')
write('openspec/changes/add-2fa/specs/auth/spec.md', {
  '## ADDED Requirements',
  '### Requirement: One-time code',
  'The system SHALL ask for a one-time code.',
  '',
  '#### Scenario: Code required',
  '- **WHEN** a user enters the right password',
})
write('openspec-lsp.toml', { '[severity]', '"review/scenario-missing-step" = "info"' })
vim.cmd.cd(vim.fn.fnameescape(workspace))

local function review_findings(bufnr)
  local found = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    if diagnostic.code == 'review/scenario-missing-step' then
      table.insert(found, diagnostic)
    end
  end
  return found
end

H.out(('openspec review: nvim %s, server %s'):format(tostring(vim.version()), H.bin))

H.check('setup', function()
  assert(vim.fn.executable(H.bin) == 1, 'no server binary at ' .. H.bin .. ' (build it or set OPENSPEC_LSP_BIN)')
  vim.lsp.config('openspec', { cmd = { H.bin } })
  vim.lsp.enable('openspec')
end)

H.check('a review finding shows at the policy level and its quick fix adds the THEN step', function()
  vim.cmd.edit(vim.fn.fnameescape(path('openspec/changes/add-2fa/specs/auth/spec.md')))
  local bufnr = vim.api.nvim_get_current_buf()
  H.openspec_client(bufnr)
  local finding = H.wait_for('the review/scenario-missing-step finding', function()
    return review_findings(bufnr)[1]
  end)
  H.eq(vim.diagnostic.severity.INFO, finding.severity, 'severity from the policy')
  H.eq(4, finding.lnum, 'line of the scenario header (0-based)')
  vim.api.nvim_win_set_cursor(0, { 5, 4 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.title == 'Add a THEN step'
    end,
  })
  H.wait_for('the THEN skeleton', function()
    return vim.api.nvim_buf_get_lines(bufnr, 6, 7, false)[1] == '- **THEN** TODO: the outcome to check'
  end)
  H.wait_for('the finding to go', function()
    return #review_findings(bufnr) == 0
  end)
end)

H.finish()
