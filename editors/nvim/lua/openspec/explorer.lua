-- :OpenSpecExplorer: the server's `openspec/outline` (active changes with task progress, verdict,
-- archive readiness and the capabilities they touch; specs with requirement counts and verdicts)
-- in a sidebar buffer, redrawn when the server sends `openspec/outlineChanged`.
-- Keys in the sidebar: <CR> opens the item's file, p previews a change's archive, c checks
-- (`check --archive-ready` for a change, the whole root otherwise, into the quickfix list),
-- h lists a spec's requirement history (`openspec.history`) in the quickfix list, r refreshes,
-- q closes. All OpenSpec knowledge is in the server; this file only draws.
local M = {}

--- bufnr -> { root = path, nodes = { [line] = node } } for every open sidebar.
local sidebars = {}

local function plural(count, word)
  return ('%d %s%s'):format(count, word, count == 1 and '' or 's')
end

local function verdict_text(verdict)
  verdict = verdict or {}
  if verdict.valid then
    return (verdict.warnings or 0) > 0 and ('valid, ' .. plural(verdict.warnings, 'warning')) or 'valid'
  end
  return 'invalid: ' .. plural(verdict.errors or 0, 'error')
end

--- The sidebar's lines and, per line, the node under it: `{kind, uri, change, root}`.
--- Exposed for the test: what the user sees.
function M.render(answer)
  local lines, nodes = {}, {}
  local function add(line, node)
    table.insert(lines, line)
    nodes[#lines] = node
  end
  for _, root in ipairs((answer or {}).roots or {}) do
    local root_path = type(root.uri) == 'string' and vim.uri_to_fname(root.uri) or nil
    add(('OpenSpec: %s'):format(root.name or '?'), { kind = 'root', root = root_path })
    add(('Changes (%d)'):format(#(root.changes or {})), nil)
    for _, change in ipairs(root.changes or {}) do
      local tasks = type(change.tasks) == 'table' and ('%d/%d tasks'):format(change.tasks.done, change.tasks.total)
        or 'no tasks'
      local ready = change.ready and 'ready to archive' or 'not ready'
      add(
        ('  %s  %s · %s · %s'):format(change.id, tasks, verdict_text(change.verdict), ready),
        { kind = 'change', uri = change.uri, change = change.id, root = root_path }
      )
      for _, touched in ipairs(change.capabilities or {}) do
        add(
          ('    %s (delta%s)'):format(touched.capability, touched.existing and '' or ', new spec'),
          { kind = 'delta', uri = touched.uri, change = change.id, root = root_path }
        )
      end
    end
    add(('Specs (%d)'):format(#(root.specs or {})), nil)
    for _, spec in ipairs(root.specs or {}) do
      add(
        ('  %s  %s · %s'):format(spec.capability, plural(spec.requirements or 0, 'requirement'), verdict_text(spec.verdict)),
        { kind = 'spec', uri = spec.uri, root = root_path, capability = spec.capability }
      )
    end
  end
  if #lines == 0 then
    add('OpenSpec: no root (open a file under openspec/)', nil)
  end
  return lines, nodes
end

local function openspec_client()
  local clients = (vim.lsp.get_clients or vim.lsp.get_active_clients)({ name = 'openspec' })
  return clients[1]
end

local function draw(bufnr, answer)
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  local lines, nodes = M.render(answer)
  vim.bo[bufnr].modifiable = true
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  vim.bo[bufnr].modifiable = false
  sidebars[bufnr].nodes = nodes
end

--- Asks the server again and redraws every open sidebar (or only `bufnr`).
function M.refresh(bufnr, on_done)
  local client = openspec_client()
  if client == nil then
    return
  end
  local targets = bufnr and { bufnr } or vim.tbl_keys(sidebars)
  if #targets == 0 then
    return
  end
  local function handler(err, result)
    for _, target in ipairs(targets) do
      if sidebars[target] ~= nil then
        draw(target, err == nil and result or nil)
      end
    end
    if on_done then
      on_done(result)
    end
  end
  if vim.fn.has('nvim-0.11') == 1 then
    client:request('openspec/outline', vim.empty_dict(), handler)
  else
    client.request('openspec/outline', vim.empty_dict(), handler)
  end
end

local function node_at_cursor(bufnr)
  local sidebar = sidebars[bufnr]
  if sidebar == nil then
    return nil
  end
  return sidebar.nodes[vim.api.nvim_win_get_cursor(0)[1]]
end

--- Opens the node's file in the window the sidebar was opened from.
function M.open_node(node)
  if node == nil or type(node.uri) ~= 'string' then
    return
  end
  vim.cmd('wincmd p')
  vim.cmd.edit(vim.fn.fnameescape(vim.uri_to_fname(node.uri)))
end

--- The actions of a node, by key: shared by the sidebar's mappings and the test.
M.actions = {
  open = M.open_node,
  history = function(node, on_done)
    local client = openspec_client()
    if node == nil or node.capability == nil or client == nil then
      return
    end
    local argument = { capability = node.capability, root = node.root and vim.uri_from_fname(node.root) or nil }
    local params = { command = 'openspec.history', arguments = { argument } }
    local function handler(err, result)
      local items = {}
      for _, history in ipairs(type(result) == 'table' and result.requirements or {}) do
        for _, group in ipairs({ history.archived or {}, history.active or {} }) do
          for _, event in ipairs(group) do
            local location = event.location or {}
            if type(location.uri) == 'string' and type(location.range) == 'table' then
              local when = event.archived and (event.date or 'no date') or 'active'
              table.insert(items, {
                filename = vim.uri_to_fname(location.uri),
                lnum = location.range.start.line + 1,
                col = location.range.start.character + 1,
                text = ('%s: %s by %s (%s)'):format(history.requirement, event.kind, event.change, when),
              })
            end
          end
        end
      end
      if err ~= nil then
        vim.notify('OpenSpec: no history: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      else
        vim.fn.setqflist({}, ' ', { title = 'OpenSpec history: ' .. node.capability, items = items })
        vim.cmd('botright copen')
      end
      if on_done then
        on_done(items)
      end
    end
    if vim.fn.has('nvim-0.11') == 1 then
      client:request('workspace/executeCommand', params, handler)
    else
      client.request('workspace/executeCommand', params, handler)
    end
  end,
  preview = function(node)
    if node ~= nil and node.change ~= nil then
      require('openspec').preview(node.change)
    end
  end,
  check = function(node)
    if node == nil or node.root == nil then
      return
    end
    if node.change == nil then
      require('openspec').check({ path = node.root })
      return
    end
    -- A change: whether it is ready to archive (`check --archive-ready`, one line), as a message.
    local args = { require('openspec').cmd()[1], 'check', '--archive-ready', node.change, node.root }
    vim.system(args, { text = true, env = { NO_COLOR = '1' } }, function(result)
      vim.schedule(function()
        local text = vim.trim((result.stdout or '') ~= '' and result.stdout or (result.stderr or ''))
        vim.notify('OpenSpec: ' .. text, result.code == 0 and vim.log.levels.INFO or vim.log.levels.WARN)
        vim.api.nvim_exec_autocmds('User', { pattern = 'OpenSpecCheckDone', modeline = false })
      end)
    end)
  end,
}

--- :OpenSpecExplorer: opens (or focuses) the sidebar on the left.
function M.open(on_done)
  for bufnr in pairs(sidebars) do
    local win = vim.fn.bufwinid(bufnr)
    if win ~= -1 then
      vim.api.nvim_set_current_win(win)
      M.refresh(bufnr, on_done)
      return bufnr
    end
  end
  if openspec_client() == nil then
    vim.notify('OpenSpec: the openspec-lsp client is not running; open a file under openspec/ first', vim.log.levels.ERROR)
    return nil
  end
  local bufnr = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_name(bufnr, 'openspec-explorer://' .. bufnr)
  vim.bo[bufnr].buftype = 'nofile'
  vim.bo[bufnr].bufhidden = 'wipe'
  vim.bo[bufnr].swapfile = false
  vim.bo[bufnr].filetype = 'openspec-explorer'
  vim.bo[bufnr].modifiable = false
  sidebars[bufnr] = { nodes = {} }
  vim.cmd('topleft vsplit')
  vim.api.nvim_win_set_width(0, 48)
  vim.api.nvim_win_set_buf(0, bufnr)
  vim.wo.number = false
  vim.wo.wrap = false
  local function map(key, action, desc)
    vim.keymap.set('n', key, function()
      M.actions[action](node_at_cursor(bufnr))
    end, { buffer = bufnr, desc = desc })
  end
  map('<CR>', 'open', 'OpenSpec: open the file')
  map('p', 'preview', 'OpenSpec: preview the archive of the change')
  map('c', 'check', 'OpenSpec: check (the change: --archive-ready)')
  map('h', 'history', 'OpenSpec: the requirement history of the spec (quickfix)')
  vim.keymap.set('n', 'r', function()
    M.refresh(bufnr)
  end, { buffer = bufnr, desc = 'OpenSpec: refresh' })
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = bufnr, desc = 'OpenSpec: close' })
  vim.api.nvim_create_autocmd('BufWipeout', {
    buffer = bufnr,
    callback = function()
      sidebars[bufnr] = nil
    end,
  })
  M.refresh(bufnr, on_done)
  return bufnr
end

--- The node on `line` of sidebar `bufnr` (for the test).
function M.node(bufnr, line)
  return sidebars[bufnr] and sidebars[bufnr].nodes[line] or nil
end

return M
