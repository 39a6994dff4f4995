-- How findings show in Neovim, against the real openspec-lsp binary on a copy of
-- examples/demo. Neovim offers both push and pull diagnostics; each finding must show once.
-- An unsaved edit in a base spec must update an open delta's findings within a second, and
-- undoing it must clear them, without touching the delta. Run by scripts/editors-test as
--   nvim --headless --clean -u tests/minimal_init.lua -c 'luafile tests/diagnostics.lua'
-- Environment: OPENSPEC_LSP_BIN (default target/debug/openspec-lsp of the repository).
-- Prints one PASS/FAIL line per check and exits non-zero when any check fails.

local H = dofile(vim.g.openspec_plugin_dir .. '/tests/harness.lua')
local bin = H.bin
local out, check, wait_for = H.out, H.check, H.wait_for

local workspace = H.demo_copy('-openspec-diagnostics')
vim.cmd.cd(vim.fn.fnameescape(workspace))

local TASKS = 'openspec/changes/rework-notifications/tasks.md'
local DELTA = 'openspec/changes/rework-notifications/specs/notifications/spec.md'
local BASE = 'openspec/specs/notifications/spec.md'

local function edit(relative)
  local loaded = vim.fn.bufnr(workspace .. '/' .. relative)
  if loaded ~= -1 and vim.api.nvim_buf_is_loaded(loaded) then
    vim.api.nvim_set_current_buf(loaded)
  else
    vim.cmd.edit(vim.fn.fnameescape(workspace .. '/' .. relative))
  end
  local bufnr = vim.api.nvim_get_current_buf()
  wait_for('the openspec client on ' .. relative, function()
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'openspec' })[1]
  end)
  return bufnr
end

-- Every diagnostic of the buffer, from every namespace, as "line code", sorted.
local function shown(bufnr)
  local lines = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(lines, ('%d %s'):format(diagnostic.lnum, tostring(diagnostic.code)))
  end
  table.sort(lines)
  return lines
end

local function count(list, wanted)
  local n = 0
  for _, item in ipairs(list) do
    if item == wanted then
      n = n + 1
    end
  end
  return n
end

out(('openspec diagnostics: nvim %s, server %s'):format(tostring(vim.version()), bin))
vim.lsp.config('openspec', { cmd = { bin } })
vim.lsp.enable('openspec')

check('a delta opened after its findings were pushed shows each finding once', function()
  -- Opening another file of the workspace starts the server, which pushes the delta's
  -- findings before the delta is opened.
  edit(TASKS)
  wait_for('the pushed delta findings', function()
    local pushed = vim.fn.bufnr(workspace .. '/' .. DELTA)
    return pushed ~= -1 and count(shown(pushed), '1 delta/scenario-loss') > 0
  end)
  local delta = edit(DELTA)
  -- Long enough for a pull (or a second push) to land.
  vim.wait(1500)
  local lines = shown(delta)
  assert(count(lines, '1 delta/scenario-loss') == 1, 'delta/scenario-loss shown ' .. vim.inspect(lines))
  assert(count(lines, '11 delta/missing-shall-must') == 1, 'delta/missing-shall-must shown ' .. vim.inspect(lines))
end)

check('an unsaved rename in the base spec updates the open delta within a second, and undo clears it', function()
  local delta = edit(DELTA)
  local before = shown(delta)
  assert(count(before, '1 delta/scenario-loss') == 1, vim.inspect(before))
  local base = edit(BASE)
  local row = wait_for('the requirement header in the base spec', function()
    for index, line in ipairs(vim.api.nvim_buf_get_lines(base, 0, -1, false)) do
      if line == '### Requirement: Shipping email' then
        return index - 1
      end
    end
  end)
  local started = vim.uv.hrtime()
  vim.api.nvim_buf_set_text(base, row, #'### Requirement: ', row, #'### Requirement: Shipping email', { 'Dispatch email' })
  local changed = wait_for('the delta findings to change', function()
    local now = shown(delta)
    return not vim.deep_equal(now, before) and now or nil
  end, 1000)
  local elapsed_ms = (vim.uv.hrtime() - started) / 1e6
  assert(count(changed, '1 delta/scenario-loss') == 0, 'scenario loss against a renamed requirement: ' .. vim.inspect(changed))
  out(('  the delta changed %d ms after the edit: %s'):format(elapsed_ms, table.concat(changed, ', ')))
  vim.api.nvim_buf_call(base, function()
    vim.cmd('silent undo')
  end)
  wait_for('the delta findings to come back', function()
    return vim.deep_equal(shown(delta), before) or nil
  end, 1000)
  assert(vim.bo[delta].modified == false, 'the delta was not touched')
end)

H.finish()
