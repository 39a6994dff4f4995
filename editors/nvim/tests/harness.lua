-- Shared pieces of the headless Neovim tests: PASS/FAIL lines, waiting, comparing, finishing.
-- Each test file prints one line per check and exits non-zero when any check failed.
local M = {}

M.TIMEOUT = 15000
M.plugin_dir = vim.g.openspec_plugin_dir
M.repo = vim.fn.fnamemodify(M.plugin_dir, ':h:h')
M.bin = os.getenv('OPENSPEC_LSP_BIN') or (M.repo .. '/target/debug/openspec-lsp')

local results = { passed = 0, failed = 0 }

function M.out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

-- Notifications from the plugin go to the test log on their own lines.
vim.notify = function(message)
  M.out('  notify: ' .. tostring(message))
end

function M.check(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    results.passed = results.passed + 1
    M.out('PASS ' .. name)
  else
    results.failed = results.failed + 1
    M.out('FAIL ' .. name .. '\n  ' .. tostring(err):gsub('\n', '\n  '))
  end
end

function M.finish()
  M.out(('%d passed, %d failed'):format(results.passed, results.failed))
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop()
  end
  vim.wait(2000, function()
    return #vim.lsp.get_clients() == 0
  end, 50)
  if results.failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

function M.wait_for(what, condition, timeout)
  local value
  local ok = vim.wait(timeout or M.TIMEOUT, function()
    value = condition()
    return value ~= nil and value ~= false
  end, 20)
  assert(ok, 'timed out waiting for ' .. what)
  return value
end

function M.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(('%s: expected %s, got %s'):format(what or 'value', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

--- A fresh temporary folder (real path), removed by nobody: the OS cleans its temp dir.
function M.temp_dir(suffix)
  local dir = vim.fn.tempname() .. suffix
  vim.fn.mkdir(dir, 'p')
  return vim.fs.normalize(vim.uv.fs_realpath(dir))
end

--- Writes `text` to `dir/relative`, creating folders.
function M.write(dir, relative, text)
  local file = dir .. '/' .. relative
  vim.fn.mkdir(vim.fs.dirname(file), 'p')
  vim.fn.writefile(vim.split(text, '\n'), file)
end

--- A fresh copy of examples/demo in a temporary folder (real path), so edits never touch the
--- repository.
function M.demo_copy(suffix)
  local dir = M.temp_dir(suffix)
  vim.fn.system({ 'cp', '-R', M.repo .. '/examples/demo/.', dir })
  assert(vim.v.shell_error == 0, 'copying examples/demo failed')
  return dir
end

function M.openspec_client(bufnr)
  return M.wait_for('the openspec client to attach to ' .. vim.api.nvim_buf_get_name(bufnr), function()
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'openspec' })[1]
  end)
end

return M
