--- :checkhealth openspec: the server binary and its version, the OpenSpec roots seen from the
--- current folder, running clients, and the tree-sitter parsers the highlight queries need.
local M = {}

local health = vim.health

function M.check()
  local openspec = require('openspec')

  health.start('Neovim')
  if openspec.started_by_setup ~= nil then
    health.ok('clients start with vim.lsp.start from require("openspec").setup()')
  elseif vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim 0.11+: `vim.lsp.enable("openspec")` uses lsp/openspec.lua')
  elseif vim.fn.has('nvim-0.10') == 1 then
    health.warn('Neovim 0.10: call `require("openspec").setup()` (starts the client with vim.lsp.start)')
  else
    health.error('Neovim 0.10 or newer is required')
  end

  health.start('openspec-lsp binary')
  local cmd = openspec.cmd()
  local binary = vim.fn.exepath(cmd[1])
  if binary == '' then
    health.error(('`%s` was not found'):format(cmd[1]), {
      'Install it: cargo install --path server/crates/openspec-lsp (from the openspec-lsp repository)',
      "Or point the config at it: vim.lsp.config('openspec', { cmd = { '/path/to/openspec-lsp' } })",
    })
  else
    health.ok('found: ' .. binary)
    local ok, result = pcall(function()
      return vim.system({ binary, '--version' }, { text = true }):wait(5000)
    end)
    if ok and result.code == 0 then
      health.ok('version: ' .. vim.trim(result.stdout))
    else
      health.error('`' .. binary .. ' --version` failed: ' .. vim.trim(ok and (result.stderr or '') or tostring(result)))
    end
  end

  health.start('OpenSpec roots')
  local cwd = (vim.uv or vim.loop).cwd()
  local above = openspec.find_root(cwd)
  if above ~= nil then
    health.ok('the current folder is in the root ' .. above)
  else
    local below = vim.fs.find(function(name, path)
      return name == 'openspec' and openspec.is_root(path)
    end, { path = cwd, type = 'directory', limit = 10 })
    if #below > 0 then
      for _, dir in ipairs(below) do
        health.ok('root below the current folder: ' .. vim.fs.dirname(dir))
      end
    else
      health.warn('no OpenSpec root at, above or below ' .. cwd, {
        'A root is a folder whose openspec/ holds specs/, changes/ or config.yaml',
      })
    end
  end

  health.start('Clients')
  local clients = (vim.lsp.get_clients or vim.lsp.get_active_clients)({ name = 'openspec' })
  if #clients == 0 then
    health.info('no openspec client is running (it starts when a file under openspec/ is opened)')
  end
  for _, client in ipairs(clients) do
    local server = client.server_info or {}
    health.ok(('client %d: %s %s, root %s'):format(client.id, server.name or '?', server.version or '', client.root_dir or '?'))
  end

  health.start('Highlighting')
  for _, lang in ipairs({ 'markdown', 'markdown_inline' }) do
    local ok = pcall(vim.treesitter.language.add, lang)
    if ok then
      health.ok(('tree-sitter parser `%s` is installed: OpenSpec keywords are highlighted'):format(lang))
    else
      health.warn(('tree-sitter parser `%s` is missing: no OpenSpec keyword highlighting from queries'):format(lang))
    end
  end
end

return M
