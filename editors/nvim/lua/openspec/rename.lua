-- "Rename through change...": the client command the server's code action on a main-spec
-- requirement carries (`openspec.renameThroughChange`). Asks for the new name (vim.ui.input) and
-- the change that takes the `## RENAMED Requirements` entry (vim.ui.select: an active change
-- touching the capability, or a new one), then has the server compute the edit
-- (`openspec.applyRenameThroughChange`), which Neovim applies through `workspace/applyEdit`.
-- :OpenSpecRename runs the code action at the cursor.
local M = {}

local NEW_CHANGE = 'New change…'

--- `rename-<kebab of the new name>`, the suggested id of a new change.
function M.suggested_change_id(new_name)
  local kebab = new_name:lower():gsub('[^a-z0-9]+', '-'):gsub('^%-+', ''):gsub('%-+$', '')
  return kebab == '' and 'rename-requirement' or ('rename-' .. kebab)
end

local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function apply(client, argument, new_name, target, on_done)
  local params = {
    command = 'openspec.applyRenameThroughChange',
    arguments = { vim.tbl_extend('force', { uri = argument.uri, position = argument.position, newName = new_name }, target) },
  }
  request(client, 'workspace/executeCommand', params, function(err, result)
    if err ~= nil then
      vim.notify(('OpenSpec: cannot rename "%s": %s'):format(argument.requirement, err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif type(result) ~= 'table' or result.applied ~= true then
      vim.notify(('OpenSpec: the rename of "%s" was not applied'):format(argument.requirement), vim.log.levels.ERROR)
    elseif type(result.uri) == 'string' then
      vim.cmd.edit(vim.fn.fnameescape(vim.uri_to_fname(result.uri)))
    end
    if on_done then
      on_done(err, result)
    end
  end)
end

--- The command handler (`vim.lsp.commands` / the client's `commands`).
function M.run(command, ctx, on_done)
  local argument = (command.arguments or {})[1]
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client == nil or type(argument) ~= 'table' or type(argument.requirement) ~= 'string' then
    return
  end
  local prompt = ('New name of "%s" (%s), renamed through a change: '):format(argument.requirement, argument.capability)
  vim.ui.input({ prompt = prompt, default = argument.requirement }, function(new_name)
    if new_name == nil or vim.trim(new_name) == '' or vim.trim(new_name) == argument.requirement then
      return
    end
    local choices = vim.deepcopy(argument.changes or {})
    if argument.canCreate then
      table.insert(choices, NEW_CHANGE)
    end
    vim.ui.select(choices, { prompt = ('Change that renames "%s"'):format(argument.requirement) }, function(choice)
      if choice == nil then
        return
      end
      if choice ~= NEW_CHANGE then
        return apply(client, argument, new_name, { change = choice }, on_done)
      end
      vim.ui.input({ prompt = 'Id of the new change: ', default = M.suggested_change_id(new_name) }, function(id)
        if id ~= nil and vim.trim(id) ~= '' then
          apply(client, argument, new_name, { newChange = vim.trim(id) }, on_done)
        end
      end)
    end)
  end)
end

--- :OpenSpecRename: the "Rename through change..." action at the cursor, if there is one.
function M.at_cursor()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'openspec' })[1]
  if client == nil then
    vim.notify('OpenSpec: the openspec-lsp client is not attached to this buffer', vim.log.levels.ERROR)
    return
  end
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = {}, only = { 'refactor' } }
  request(client, 'textDocument/codeAction', params, function(_, actions)
    for _, action in ipairs(actions or {}) do
      local command = action.command
      if type(command) == 'table' and command.command == 'openspec.renameThroughChange' then
        return M.run(command, { client_id = client.id, bufnr = bufnr })
      end
    end
    vim.notify('OpenSpec: put the cursor on a requirement header of a main spec', vim.log.levels.WARN)
  end, bufnr)
end

return M
