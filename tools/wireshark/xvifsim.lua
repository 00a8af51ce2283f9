-- XvifSim protocol trace dissector for Wireshark (Lua; tested with Debian's
-- Wireshark 4.0, written for the Lua 5.2 to 5.4 that Wireshark embeds).
--
-- Decodes the trace records XvifSim writes into all.pcapng on interfaces of
-- link type LINKTYPE_USER0 (147): XenStore messages, xenbus state changes,
-- netif ring entries and indices, grant-table operations and event-channel
-- operations. The byte layout is docs/trace-format.md in the XvifSim
-- repository (and Emulator/Public/Trace/TraceRecord*.cs, which writes it).
--
-- Install: ./run-sim.sh wireshark (copies this file into the personal Lua
-- plugin folder), or run tshark -X lua_script:tools/wireshark/xvifsim.lua.
--
-- A record that is too short for its own header or body is shown as
-- malformed (expert info xvifsim.malformed); the dissector never raises a
-- Lua error for a bad record.

local xvifsim  = Proto("xvifsim", "XvifSim trace record")
local xenstore = Proto("xenstore", "XenStore message (xs_wire.h)")
local xenbus   = Proto("xenbus", "xenbus state change (io/xenbus.h)")
local netif    = Proto("netif", "netif ring (io/netif.h, io/ring.h)")
local gnttab   = Proto("gnttab", "Grant-table operation (grant_table.h)")
local evtchn   = Proto("evtchn", "Event-channel operation (event_channel.h)")

------------------------------------------------------------------------
-- Names from Xen's public headers.

local record_types = {
  [1] = "XenStore message", [2] = "xenbus state", [3] = "ring entry", [4] = "ring index",
  [5] = "grant copy", [6] = "grant map", [7] = "grant unmap", [8] = "event channel",
}

-- xs_wire.h enum xsd_sockmsg_type
local xs_types = {
  [0] = "CONTROL", [1] = "DIRECTORY", [2] = "READ", [3] = "GET_PERMS", [4] = "WATCH",
  [5] = "UNWATCH", [6] = "TRANSACTION_START", [7] = "TRANSACTION_END", [8] = "INTRODUCE",
  [9] = "RELEASE", [10] = "GET_DOMAIN_PATH", [11] = "WRITE", [12] = "MKDIR", [13] = "RM",
  [14] = "SET_PERMS", [15] = "WATCH_EVENT", [16] = "ERROR", [17] = "IS_DOMAIN_INTRODUCED",
  [18] = "RESUME", [19] = "SET_TARGET", [20] = "RESTRICT", [21] = "RESET_WATCHES",
  [22] = "DIRECTORY_PART", [23] = "GET_FEATURE", [24] = "SET_FEATURE", [25] = "GET_QUOTA",
  [26] = "SET_QUOTA",
}
local xs_directions = { [0] = "request", [1] = "reply", [2] = "watch event" }
local xs_transports = { [0] = "ring", [1] = "socket", [2] = "toolstack" }

-- io/xenbus.h enum xenbus_state
local xenbus_states = {
  [0] = "Unknown", [1] = "Initialising", [2] = "InitWait", [3] = "Initialised",
  [4] = "Connected", [5] = "Closing", [6] = "Closed", [7] = "Reconfiguring", [8] = "Reconfigured",
}
local ends = { [0] = "frontend", [1] = "backend" }
local rings = { [1] = "tx", [2] = "rx" }
local ring_actions = { [0] = "request pushed", [1] = "request consumed", [2] = "response pushed", [3] = "response consumed" }
local index_kinds = { [0] = "req_prod", [1] = "rsp_prod", [2] = "req_event", [3] = "rsp_event" }

-- grant_table.h GNTST_*
local gntst = {
  [0] = "GNTST_okay", [-1] = "GNTST_general_error", [-2] = "GNTST_bad_domain",
  [-3] = "GNTST_bad_gntref", [-4] = "GNTST_bad_handle", [-5] = "GNTST_bad_virt_addr",
  [-6] = "GNTST_bad_dev_addr", [-7] = "GNTST_no_device_space", [-8] = "GNTST_permission_denied",
  [-9] = "GNTST_bad_page", [-10] = "GNTST_bad_copy_arg", [-11] = "GNTST_address_too_big",
  [-12] = "GNTST_eagain", [-13] = "GNTST_no_space",
}
-- netif.h NETIF_RSP_*
local netif_rsp = { [1] = "NETIF_RSP_NULL", [0] = "NETIF_RSP_OKAY", [-1] = "NETIF_RSP_ERROR", [-2] = "NETIF_RSP_DROPPED" }
local evtchn_ops = { [1] = "send", [2] = "upcall", [3] = "unmask" }
-- Linux/Xen errno values the simulator uses (xen/include/public/errno.h).
local errnos = {
  [0] = "OK", [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [5] = "EIO", [7] = "E2BIG",
  [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [16] = "EBUSY",
  [17] = "EEXIST", [21] = "EISDIR", [22] = "EINVAL", [28] = "ENOSPC", [30] = "EROFS",
  [38] = "ENOSYS", [39] = "ENOTEMPTY", [106] = "EISCONN", [114] = "EALREADY",
}

------------------------------------------------------------------------
-- Fields.

local hf = {
  version = ProtoField.uint8("xvifsim.version", "Version"),
  type    = ProtoField.uint8("xvifsim.type", "Record type", base.DEC, record_types),
  domid   = ProtoField.uint16("xvifsim.domid", "Domain", base.DEC),
  bodylen = ProtoField.uint16("xvifsim.body_length", "Body length"),
}
xvifsim.fields = { hf.version, hf.type, hf.domid, hf.bodylen }

local xs = {
  direction = ProtoField.string("xenstore.direction", "Direction"),
  transport = ProtoField.string("xenstore.transport", "Transport"),
  conn      = ProtoField.uint32("xenstore.conn", "Socket connection"),
  type      = ProtoField.string("xenstore.type", "Type"),
  type_code = ProtoField.uint32("xenstore.type_code", "Type code", base.DEC, xs_types),
  req_id    = ProtoField.uint32("xenstore.req_id", "Request id"),
  tx_id     = ProtoField.uint32("xenstore.tx_id", "Transaction id"),
  len       = ProtoField.uint32("xenstore.len", "Payload length"),
  path      = ProtoField.string("xenstore.path", "Path"),
  value     = ProtoField.string("xenstore.value", "Value"),
  token     = ProtoField.string("xenstore.token", "Watch token"),
  error     = ProtoField.string("xenstore.error", "Error"),
  result    = ProtoField.string("xenstore.result", "Result"),
  truncated = ProtoField.bool("xenstore.truncated", "Payload cut in the trace"),
  request_in  = ProtoField.framenum("xenstore.request_in", "Request in", base.NONE, frametype.REQUEST),
  response_in = ProtoField.framenum("xenstore.response_in", "Response in", base.NONE, frametype.RESPONSE),
}
xenstore.fields = { xs.direction, xs.transport, xs.conn, xs.type, xs.type_code, xs.req_id, xs.tx_id, xs.len,
  xs.path, xs.value, xs.token, xs.error, xs.result, xs.truncated, xs.request_in, xs.response_in }

local xb = {
  ["end"]   = ProtoField.string("xenbus.end", "End"),
  other_end = ProtoField.uint16("xenbus.other_end", "Other end's domain"),
  old_state = ProtoField.uint32("xenbus.old_state", "Old state", base.DEC, xenbus_states),
  new_state = ProtoField.uint32("xenbus.new_state", "New state", base.DEC, xenbus_states),
  state     = ProtoField.string("xenbus.state", "New state name"),
  result    = ProtoField.string("xenbus.result", "Write result"),
  path      = ProtoField.string("xenbus.path", "Device path"),
}
xenbus.fields = { xb["end"], xb.other_end, xb.old_state, xb.new_state, xb.state, xb.result, xb.path }

local nf = {
  ring   = ProtoField.string("netif.ring", "Ring"),
  ["end"] = ProtoField.string("netif.end", "End"),
  action = ProtoField.string("netif.action", "Action"),
  index  = ProtoField.uint32("netif.index", "RING_IDX"),
  slot   = ProtoField.uint32("netif.slot", "Slot"),
  id     = ProtoField.uint16("netif.id", "Id"),
  gref   = ProtoField.uint32("netif.gref", "Grant ref"),
  offset = ProtoField.uint16("netif.offset", "Offset"),
  flags  = ProtoField.uint16("netif.flags", "Flags", base.HEX),
  size   = ProtoField.uint16("netif.size", "Size"),
  status = ProtoField.int16("netif.status", "Status"),
  status_name = ProtoField.string("netif.status_name", "Status name"),
  index_kind = ProtoField.string("netif.index_kind", "Index"),
  old    = ProtoField.uint32("netif.old", "Old value"),
  new    = ProtoField.uint32("netif.new", "New value"),
  event  = ProtoField.uint32("netif.event", "Peer's event index"),
  notify = ProtoField.bool("netif.notify", "Notify the peer"),
  request_in  = ProtoField.framenum("netif.request_in", "Request in", base.NONE, frametype.REQUEST),
  response_in = ProtoField.framenum("netif.response_in", "Response in", base.NONE, frametype.RESPONSE),
}
netif.fields = { nf.ring, nf["end"], nf.action, nf.index, nf.slot, nf.id, nf.gref, nf.offset, nf.flags, nf.size,
  nf.status, nf.status_name, nf.index_kind, nf.old, nf.new, nf.event, nf.notify, nf.request_in, nf.response_in }

local gf = {
  op      = ProtoField.string("gnttab.op", "Operation"),
  status  = ProtoField.int16("gnttab.status", "Status"),
  status_name = ProtoField.string("gnttab.status_name", "Status name"),
  flags   = ProtoField.uint16("gnttab.flags", "Flags", base.HEX),
  len     = ProtoField.uint16("gnttab.len", "Length"),
  src_dom = ProtoField.uint16("gnttab.src_dom", "Source domain"),
  src_ref = ProtoField.uint32("gnttab.src_ref", "Source ref or gfn"),
  src_off = ProtoField.uint16("gnttab.src_offset", "Source offset"),
  dst_dom = ProtoField.uint16("gnttab.dst_dom", "Destination domain"),
  dst_ref = ProtoField.uint32("gnttab.dst_ref", "Destination ref or gfn"),
  dst_off = ProtoField.uint16("gnttab.dst_offset", "Destination offset"),
  dom     = ProtoField.uint16("gnttab.dom", "Granting domain"),
  ref     = ProtoField.uint32("gnttab.ref", "Grant ref"),
  handle  = ProtoField.uint32("gnttab.handle", "Handle"),
}
gnttab.fields = { gf.op, gf.status, gf.status_name, gf.flags, gf.len, gf.src_dom, gf.src_ref, gf.src_off,
  gf.dst_dom, gf.dst_ref, gf.dst_off, gf.dom, gf.ref, gf.handle }

local ef = {
  op          = ProtoField.string("evtchn.op", "Operation"),
  port        = ProtoField.uint32("evtchn.port", "Port"),
  remote_dom  = ProtoField.uint16("evtchn.remote_dom", "Remote domain"),
  remote_port = ProtoField.uint32("evtchn.remote_port", "Remote port"),
  result      = ProtoField.string("evtchn.result", "Result"),
}
evtchn.fields = { ef.op, ef.port, ef.remote_dom, ef.remote_port, ef.result }

------------------------------------------------------------------------
-- Expert info.

local ex = {
  malformed = ProtoExpert.new("xvifsim.malformed", "Malformed XvifSim trace record", expert.group.MALFORMED, expert.severity.ERROR),
  version   = ProtoExpert.new("xvifsim.unknown_version", "Unknown trace record version", expert.group.UNDECODED, expert.severity.WARN),
}
xvifsim.experts = { ex.malformed, ex.version }
local ex_xs_error = ProtoExpert.new("xenstore.error.expert", "XenStore error reply", expert.group.RESPONSE_CODE, expert.severity.WARN)
xenstore.experts = { ex_xs_error }
local ex_closing = ProtoExpert.new("xenbus.closing", "xenbus end switches to Closing", expert.group.SEQUENCE, expert.severity.WARN)
local ex_xb_write = ProtoExpert.new("xenbus.write_failed", "xenbus state write failed", expert.group.RESPONSE_CODE, expert.severity.ERROR)
xenbus.experts = { ex_closing, ex_xb_write }
local ex_rsp_error = ProtoExpert.new("netif.rsp_error", "netif response with an error status", expert.group.RESPONSE_CODE, expert.severity.ERROR)
netif.experts = { ex_rsp_error }
local ex_gntst = ProtoExpert.new("gnttab.failed", "Grant operation failed", expert.group.RESPONSE_CODE, expert.severity.ERROR)
gnttab.experts = { ex_gntst }
local ex_evtchn = ProtoExpert.new("evtchn.failed", "Event-channel operation failed", expert.group.RESPONSE_CODE, expert.severity.WARN)
evtchn.experts = { ex_evtchn }

------------------------------------------------------------------------
-- Request/response matching. On the first pass each request is remembered
-- under its key until its response; the links are kept per frame, so a
-- second pass (the GUI, or tshark -2) shows both directions.

local f_ifid = Field.new("frame.interface_id")

local xs_pending, xs_request_of, xs_response_of, xs_summary = {}, {}, {}, {}
local nf_pending, nf_request_of, nf_response_of = {}, {}, {}

function xvifsim.init()
  xs_pending, xs_request_of, xs_response_of, xs_summary = {}, {}, {}, {}
  nf_pending, nf_request_of, nf_response_of = {}, {}, {}
end

local function interface_id()
  local f = f_ifid()
  if f == nil then return 0 end
  return f.value
end

------------------------------------------------------------------------
-- Helpers.

-- A printable rendering of at most 80 bytes of a value.
local function quote(s)
  if #s > 80 then s = s:sub(1, 80) .. "..." end
  return '"' .. s:gsub("[%c\128-\255]", ".") .. '"'
end

-- The NUL-separated strings of an xs_wire payload (a trailing NUL ends the last one).
local function split_nul(s)
  local parts = {}
  local start = 1
  while start <= #s do
    local nul = s:find("\0", start, true)
    if nul == nil then
      parts[#parts + 1] = s:sub(start)
      break
    end
    parts[#parts + 1] = s:sub(start, nul - 1)
    start = nul + 1
  end
  return parts
end

local function malformed(tree, pinfo, item, why)
  (item or tree):add_proto_expert_info(ex.malformed, "Malformed XvifSim trace record: " .. why)
  pinfo.cols.info:set("[Malformed XvifSim trace record: " .. why .. "]")
end

------------------------------------------------------------------------
-- XenStore (record type 1).

-- Which payload strings a request carries (xenstore.txt).
local function describe_xs_request(code, parts)
  local name = xs_types[code] or ("type " .. code)
  local path = parts[1] or ""
  if code == 11 then -- WRITE: path NUL value (the value is the rest, not NUL-terminated)
    return name, path, parts[2] or "", nil, string.format("XS %s %s = %s", name, path, quote(parts[2] or ""))
  elseif code == 4 or code == 5 then -- WATCH, UNWATCH: path NUL token NUL
    return name, path, nil, parts[2], string.format("XS %s %s token %s", name, path, quote(parts[2] or ""))
  elseif code == 6 then
    return name, nil, nil, nil, "XS TRANSACTION_START"
  elseif code == 7 then
    local commit = parts[1] == "T" and "commit" or (parts[1] == "F" and "abort" or quote(parts[1] or ""))
    return name, nil, nil, nil, "XS TRANSACTION_END " .. commit
  elseif code == 8 then
    return name, nil, nil, nil, string.format("XS INTRODUCE dom%s mfn %s port %s", parts[1] or "?", parts[2] or "?", parts[3] or "?")
  elseif code == 10 or code == 9 or code == 17 or code == 18 then
    return name, nil, nil, nil, string.format("XS %s dom%s", name, parts[1] or "?")
  end
  return name, path, nil, nil, string.format("XS %s %s", name, path)
end

local function dissect_xs(tvb, pinfo, tree, domid)
  if tvb:len() < 32 then return malformed(tree, pinfo, nil, "XenStore record shorter than 32 bytes") end
  local t = tree:add(xenstore, tvb(8))
  local dir = tvb(8, 1):uint()
  local transport = tvb(9, 1):uint()
  local conn = tvb(12, 4):le_uint()
  local code = tvb(16, 4):le_uint()
  local req_id = tvb(20, 4):le_uint()
  local tx_id = tvb(24, 4):le_uint()
  local len = tvb(28, 4):le_uint()
  local kept = tvb:len() - 32
  t:add(xs.direction, tvb(8, 1), xs_directions[dir] or ("direction " .. dir))
  t:add(xs.transport, tvb(9, 1), xs_transports[transport] or ("transport " .. transport))
  if transport == 1 then t:add_le(xs.conn, tvb(12, 4)) end
  local name = xs_types[code] or ("type " .. code)
  t:add(xs.type, tvb(16, 4), name)
  t:add_le(xs.type_code, tvb(16, 4))
  t:add_le(xs.req_id, tvb(20, 4))
  t:add_le(xs.tx_id, tvb(24, 4))
  t:add_le(xs.len, tvb(28, 4))
  if kept > len then return malformed(tree, pinfo, t, "more payload than xsd_sockmsg.len says") end
  if kept < len then t:add(xs.truncated, true) end
  local payload = kept > 0 and tvb(32, kept):raw() or ""
  local parts = split_nul(payload)
  local prange = kept > 0 and tvb(32, kept) or tvb(28, 4)

  local who = transport == 1 and ("socket " .. conn) or (transport == 2 and "toolstack" or ("dom" .. domid))
  local key = who .. ":" .. req_id
  local info
  if dir == 0 then
    local _, path, value, token, summary = describe_xs_request(code, parts)
    if path then t:add(xs.path, prange, path) end
    if value then t:add(xs.value, prange, value) end
    if token then t:add(xs.token, prange, token) end
    info = summary
    if not pinfo.visited then
      xs_pending[key] = pinfo.number
      xs_summary[pinfo.number] = summary
    end
    local rsp = xs_response_of[pinfo.number]
    if rsp then t:add(xs.response_in, rsp) end
  elseif dir == 2 then
    t:add(xs.path, prange, parts[1] or "")
    t:add(xs.token, prange, parts[2] or "")
    info = string.format("XS WATCH_EVENT %s token %s", parts[1] or "", quote(parts[2] or ""))
  else
    if not pinfo.visited then
      local req = xs_pending[key]
      if req then
        xs_request_of[pinfo.number] = req
        xs_response_of[req] = pinfo.number
        xs_pending[key] = nil
      end
    end
    local req = xs_request_of[pinfo.number]
    local what = (req and xs_summary[req]) or ("XS " .. name)
    local result
    if code == 16 then
      local err = parts[1] or "?"
      t:add(xs.error, prange, err)
      result = err
      t:add_proto_expert_info(ex_xs_error, "XS_ERROR " .. err .. " answering " .. what)
    elseif code == 6 then
      result = "tx " .. (parts[1] or "?")
      t:add(xs.value, prange, parts[1] or "")
    elseif code == 2 then
      result = quote(payload)
      t:add(xs.value, prange, payload)
    elseif code == 1 or code == 22 then
      result = "[" .. table.concat(parts, " ") .. "]"
      t:add(xs.value, prange, table.concat(parts, " "))
    else
      result = parts[1] or ""
    end
    t:add(xs.result, prange, result)
    if req then t:add(xs.request_in, req) end
    info = what .. " -> " .. result
  end
  if tx_id ~= 0 then info = info .. " (tx " .. tx_id .. ")" end
  pinfo.cols.protocol:set("XenStore")
  pinfo.cols.info:set(info)
end

------------------------------------------------------------------------
-- xenbus (record type 2).

local function dissect_xenbus(tvb, pinfo, tree, domid)
  if tvb:len() < 26 then return malformed(tree, pinfo, nil, "xenbus record shorter than 26 bytes") end
  local plen = tvb(24, 2):le_uint()
  if tvb:len() < 26 + plen then return malformed(tree, pinfo, nil, "xenbus path longer than the record") end
  local t = tree:add(xenbus, tvb(8))
  local e = tvb(8, 1):uint()
  local old = tvb(12, 4):le_uint()
  local new = tvb(16, 4):le_uint()
  local result = tvb(20, 4):le_int()
  local path = plen > 0 and tvb(26, plen):string() or ""
  t:add(xb["end"], tvb(8, 1), ends[e] or ("end " .. e))
  t:add_le(xb.other_end, tvb(10, 2))
  t:add_le(xb.old_state, tvb(12, 4))
  t:add_le(xb.new_state, tvb(16, 4))
  local new_name = xenbus_states[new] or tostring(new)
  t:add(xb.state, tvb(16, 4), new_name)
  t:add(xb.result, tvb(20, 4), errnos[result] or tostring(result))
  t:add(xb.path, plen > 0 and tvb(26, plen) or tvb(24, 2), path)
  local info = string.format("xenbus dom%d %s %s: %s -> %s", domid, ends[e] or "?", path,
    xenbus_states[old] or tostring(old), new_name)
  if result ~= 0 then
    t:add_proto_expert_info(ex_xb_write, "xenbus state write failed: " .. (errnos[result] or tostring(result)))
    info = info .. " (write failed: " .. (errnos[result] or tostring(result)) .. ")"
  end
  if new == 5 then
    t:add_proto_expert_info(ex_closing, string.format("%s %s switches to Closing from %s", ends[e] or "?", path, xenbus_states[old] or tostring(old)))
  end
  pinfo.cols.protocol:set("xenbus")
  pinfo.cols.info:set(info)
end

------------------------------------------------------------------------
-- netif ring entries (type 3) and indices (type 4).

local function status_text(ring, is_request, status)
  if netif_rsp[status] and (ring == 1 or status < 0) then return netif_rsp[status] end
  return tostring(status)
end

local function dissect_ring_entry(tvb, pinfo, tree, domid)
  if tvb:len() < 20 then return malformed(tree, pinfo, nil, "ring entry record shorter than 20 bytes") end
  local ring = tvb(8, 1):uint()
  local e = tvb(9, 1):uint()
  local action = tvb(10, 1):uint()
  local elen = tvb(11, 1):uint()
  local is_request = action == 0 or action == 1
  local need = (ring == 1 and is_request) and 12 or ((ring == 1) and 4 or 8)
  if ring ~= 1 and ring ~= 2 then return malformed(tree, pinfo, nil, "unknown ring " .. ring) end
  if elen < need or tvb:len() < 20 + need then
    return malformed(tree, pinfo, nil, string.format("%s %s entry of %d bytes, %d needed", rings[ring], is_request and "request" or "response", math.min(elen, tvb:len() - 20), need))
  end
  local t = tree:add(netif, tvb(8))
  t:add(nf.ring, tvb(8, 1), rings[ring])
  t:add(nf["end"], tvb(9, 1), ends[e] or ("end " .. e))
  t:add(nf.action, tvb(10, 1), ring_actions[action] or ("action " .. action))
  t:add_le(nf.index, tvb(12, 4))
  t:add_le(nf.slot, tvb(16, 4))
  local slot = tvb(16, 4):le_uint()
  local b = tvb(20, need)
  local id, info
  local dirname = string.upper(rings[ring])
  local verb = ({ [0] = "pushed", [1] = "consumed", [2] = "pushed", [3] = "consumed" })[action]
  if ring == 1 and is_request then
    id = b(8, 2):le_uint()
    t:add_le(nf.gref, b(0, 4)); t:add_le(nf.offset, b(4, 2)); t:add_le(nf.flags, b(6, 2))
    t:add_le(nf.id, b(8, 2)); t:add_le(nf.size, b(10, 2))
    info = string.format("%s req slot %d id %d gref %d off %d size %d flags 0x%x", dirname, slot, id,
      b(0, 4):le_uint(), b(4, 2):le_uint(), b(10, 2):le_uint(), b(6, 2):le_uint())
  elseif ring == 2 and is_request then
    id = b(0, 2):le_uint()
    t:add_le(nf.id, b(0, 2)); t:add_le(nf.gref, b(4, 4))
    info = string.format("%s req slot %d id %d gref %d", dirname, slot, id, b(4, 4):le_uint())
  elseif ring == 1 then
    id = b(0, 2):le_uint()
    local status = b(2, 2):le_int()
    t:add_le(nf.id, b(0, 2)); t:add_le(nf.status, b(2, 2))
    t:add(nf.status_name, b(2, 2), status_text(ring, false, status))
    info = string.format("%s rsp slot %d id %d status %s", dirname, slot, id, status_text(ring, false, status))
    if status < 0 then t:add_proto_expert_info(ex_rsp_error, "TX response id " .. id .. ": " .. status_text(ring, false, status)) end
  else
    id = b(0, 2):le_uint()
    local status = b(6, 2):le_int()
    t:add_le(nf.id, b(0, 2)); t:add_le(nf.offset, b(2, 2)); t:add_le(nf.flags, b(4, 2)); t:add_le(nf.status, b(6, 2))
    t:add(nf.status_name, b(6, 2), status_text(ring, false, status))
    if status >= 0 then t:add(nf.size, b(6, 2), status) end
    info = string.format("%s rsp slot %d id %d off %d flags 0x%x status %s", dirname, slot, id, b(2, 2):le_uint(), b(4, 2):le_uint(), status_text(ring, false, status))
    if status < 0 then t:add_proto_expert_info(ex_rsp_error, "RX response id " .. id .. ": " .. status_text(ring, false, status)) end
  end
  info = info .. " (" .. verb .. " by " .. (ends[e] or "?") .. " dom" .. domid .. ")"

  -- Match the request to the pushed response with the same id on the same
  -- ring: the frontend's pushed record, or the backend's consumed one when
  -- the frontend is not traced (a guest outside the simulator's drivers).
  if action ~= 3 then
    local key = interface_id() .. ":" .. ring .. ":" .. id
    if not pinfo.visited then
      if action == 0 then
        nf_pending[key] = pinfo.number
      elseif action == 1 then
        nf_pending[key] = nf_pending[key] or pinfo.number
      elseif nf_pending[key] then
        local req = nf_pending[key]
        nf_request_of[pinfo.number] = req
        nf_response_of[req] = pinfo.number
        nf_pending[key] = nil
      end
    end
    if action ~= 2 and nf_response_of[pinfo.number] then t:add(nf.response_in, nf_response_of[pinfo.number]) end
    if action == 2 and nf_request_of[pinfo.number] then t:add(nf.request_in, nf_request_of[pinfo.number]) end
  end
  pinfo.cols.protocol:set("netif")
  pinfo.cols.info:set(info)
end

local function dissect_ring_index(tvb, pinfo, tree, domid)
  if tvb:len() < 24 then return malformed(tree, pinfo, nil, "ring index record shorter than 24 bytes") end
  local t = tree:add(netif, tvb(8))
  local ring = tvb(8, 1):uint()
  local e = tvb(9, 1):uint()
  local kind = tvb(10, 1):uint()
  local notify = tvb(11, 1):uint() ~= 0
  t:add(nf.ring, tvb(8, 1), rings[ring] or ("ring " .. ring))
  t:add(nf["end"], tvb(9, 1), ends[e] or ("end " .. e))
  t:add(nf.index_kind, tvb(10, 1), index_kinds[kind] or ("index " .. kind))
  t:add(nf.notify, tvb(11, 1), notify)
  t:add_le(nf.old, tvb(12, 4)); t:add_le(nf.new, tvb(16, 4)); t:add_le(nf.event, tvb(20, 4))
  local info
  if kind <= 1 then
    info = string.format("%s %s %d -> %d, peer's event %d%s", string.upper(rings[ring] or "?"), index_kinds[kind],
      tvb(12, 4):le_uint(), tvb(16, 4):le_uint(), tvb(20, 4):le_uint(), notify and ", notify" or ", no notify")
  else
    info = string.format("%s %s = %d (%s at %d)", string.upper(rings[ring] or "?"), index_kinds[kind] or "?",
      tvb(16, 4):le_uint(), kind == 2 and "req_cons" or "rsp_cons", tvb(12, 4):le_uint())
  end
  pinfo.cols.protocol:set("netif")
  pinfo.cols.info:set(info .. " (" .. (ends[e] or "?") .. " dom" .. domid .. ")")
end

------------------------------------------------------------------------
-- Grants (types 5, 6, 7) and events (type 8).

local function gnttab_status(t, range, status, what)
  t:add_le(gf.status, range)
  local name = gntst[status] or ("GNTST " .. status)
  t:add(gf.status_name, range, name)
  if status < 0 then t:add_proto_expert_info(ex_gntst, what .. ": " .. name) end
  return name
end

local function dissect_gnttab(tvb, pinfo, tree, domid, rtype)
  local need = ({ [5] = 32, [6] = 24, [7] = 16 })[rtype]
  if tvb:len() < need then return malformed(tree, pinfo, nil, string.format("grant record shorter than %d bytes", need)) end
  local t = tree:add(gnttab, tvb(8))
  local status = tvb(8, 2):le_int()
  local info
  if rtype == 5 then
    t:add(gf.op, tvb(1, 1), "copy")
    local flags = tvb(10, 2):le_uint()
    t:add_le(gf.flags, tvb(10, 2)); t:add_le(gf.len, tvb(12, 2))
    t:add_le(gf.src_dom, tvb(14, 2)); t:add_le(gf.src_ref, tvb(16, 4)); t:add_le(gf.src_off, tvb(20, 2))
    t:add_le(gf.dst_dom, tvb(22, 2)); t:add_le(gf.dst_ref, tvb(24, 4)); t:add_le(gf.dst_off, tvb(28, 2))
    local function side(off, is_gref)
      local d = tvb(off, 2):le_uint()
      local who = d == 0x7FF0 and "self" or ("dom" .. d)
      return string.format("%s %s %d+%d", who, is_gref and "gref" or "gfn", tvb(off + 2, 4):le_uint(), tvb(off + 6, 2):le_uint())
    end
    local name = gnttab_status(t, tvb(8, 2), status, "GNTTABOP_copy")
    info = string.format("dom%d GNTTABOP_copy %d bytes %s -> %s: %s", domid, tvb(12, 2):le_uint(),
      side(14, flags % 2 == 1), side(22, math.floor(flags / 2) % 2 == 1), name)
  elseif rtype == 6 then
    t:add(gf.op, tvb(1, 1), "map")
    t:add_le(gf.flags, tvb(10, 2)); t:add_le(gf.dom, tvb(12, 2)); t:add_le(gf.ref, tvb(16, 4)); t:add_le(gf.handle, tvb(20, 4))
    local name = gnttab_status(t, tvb(8, 2), status, "GNTTABOP_map_grant_ref")
    info = string.format("dom%d GNTTABOP_map_grant_ref dom%d gref %d flags 0x%x -> handle %d: %s", domid,
      tvb(12, 2):le_uint(), tvb(16, 4):le_uint(), tvb(10, 2):le_uint(), tvb(20, 4):le_uint(), name)
  else
    t:add(gf.op, tvb(1, 1), "unmap")
    t:add_le(gf.handle, tvb(12, 4))
    local name = gnttab_status(t, tvb(8, 2), status, "GNTTABOP_unmap_grant_ref")
    info = string.format("dom%d GNTTABOP_unmap_grant_ref handle %d: %s", domid, tvb(12, 4):le_uint(), name)
  end
  pinfo.cols.protocol:set("gnttab")
  pinfo.cols.info:set(info)
end

local function dissect_evtchn(tvb, pinfo, tree, domid)
  if tvb:len() < 24 then return malformed(tree, pinfo, nil, "event-channel record shorter than 24 bytes") end
  local t = tree:add(evtchn, tvb(8))
  local op = tvb(8, 1):uint()
  local result = tvb(20, 4):le_int()
  local rdom = tvb(10, 2):le_uint()
  local opname = evtchn_ops[op] or ("op " .. op)
  t:add(ef.op, tvb(8, 1), opname)
  local rtext = errnos[result] or tostring(result)
  local info
  if op == 2 then
    info = string.format("dom%d event upcall", domid)
  else
    t:add_le(ef.port, tvb(12, 4))
    info = string.format("dom%d EVTCHNOP_%s port %d", domid, opname, tvb(12, 4):le_uint())
    if rdom ~= 0x7FF4 then
      t:add_le(ef.remote_dom, tvb(10, 2)); t:add_le(ef.remote_port, tvb(16, 4))
      info = info .. string.format(" -> dom%d port %d", rdom, tvb(16, 4):le_uint())
    end
    info = info .. ": " .. rtext
  end
  t:add(ef.result, tvb(20, 4), rtext)
  if result ~= 0 then t:add_proto_expert_info(ex_evtchn, "EVTCHNOP_" .. opname .. ": " .. rtext) end
  pinfo.cols.protocol:set("evtchn")
  pinfo.cols.info:set(info)
end

------------------------------------------------------------------------
-- The record header and dispatch.

local function dissect(tvb, pinfo, tree)
  pinfo.cols.protocol:set("XvifSim")
  local root = tree:add(xvifsim, tvb())
  if tvb:len() < 8 then return malformed(root, pinfo, root, "shorter than the 8-byte header") end
  root:add(hf.version, tvb(0, 1))
  root:add(hf.type, tvb(1, 1))
  root:add_le(hf.domid, tvb(2, 2))
  root:add_le(hf.bodylen, tvb(4, 2))
  local version = tvb(0, 1):uint()
  if version ~= 1 then
    root:add_proto_expert_info(ex.version, "record version " .. version .. ", this dissector reads version 1")
    pinfo.cols.info:set("XvifSim trace record of unknown version " .. version)
    return
  end
  local bodylen = tvb(4, 2):le_uint()
  if tvb:len() ~= 8 + bodylen then
    return malformed(root, pinfo, root, string.format("%d bytes, the header says %d", tvb:len(), 8 + bodylen))
  end
  local rtype = tvb(1, 1):uint()
  local domid = tvb(2, 2):le_uint()
  if rtype == 1 then dissect_xs(tvb, pinfo, root, domid)
  elseif rtype == 2 then dissect_xenbus(tvb, pinfo, root, domid)
  elseif rtype == 3 then dissect_ring_entry(tvb, pinfo, root, domid)
  elseif rtype == 4 then dissect_ring_index(tvb, pinfo, root, domid)
  elseif rtype >= 5 and rtype <= 7 then dissect_gnttab(tvb, pinfo, root, domid, rtype)
  elseif rtype == 8 then dissect_evtchn(tvb, pinfo, root, domid)
  else malformed(root, pinfo, root, "unknown record type " .. rtype)
  end
end

function xvifsim.dissector(tvb, pinfo, tree)
  -- A record this dissector cannot read is malformed, never a Lua error.
  local ok, err = pcall(dissect, tvb, pinfo, tree)
  if not ok then
    local item = tree:add(xvifsim, tvb())
    malformed(item, pinfo, item, tostring(err))
  end
  return tvb:len()
end

-- LINKTYPE_USER0 (147) is WTAP_ENCAP_USER0 to Wireshark.
local encap = (wtap_encaps and wtap_encaps.USER0) or wtap.USER0
DissectorTable.get("wtap_encap"):add(encap, xvifsim)
