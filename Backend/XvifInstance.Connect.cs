using XvifSim.Guest.Xenbus;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.Netif;
using XvifSim.Public.Rings;
using XvifSim.Public.Xenbus;

namespace XvifSim.Backend;

/// <summary>
/// The state machine the frontend's state drives (NetBSD's
/// xennetback_frontend_changed) and connect (xennetback_connect): read the
/// frontend's keys, map both rings, bind the event channel, preallocate the
/// copy batches.
/// </summary>
public sealed partial class XvifInstance
{
    private readonly GnttabCopy[] _txOps = new GnttabCopy[CopyBatch];
    private readonly GnttabCopy[] _rxOps = new GnttabCopy[CopyBatch];
    private BackRing? _txRing;
    private BackRing? _rxRing;
    private Gfn _txRingGfn;
    private Gfn _rxRingGfn;
    private GrantHandle _txRingHandle;
    private GrantHandle _rxRingHandle;
    private EvtchnPort _port;
    private bool _detached;

    /// <summary>The frontend's <c>state</c> changed. Closed is handled by the driver (the bus frees the device).</summary>
    internal async Task OtherEndChangedAsync(XenbusState state)
    {
        switch (state)
        {
            case XenbusState.Initialising:
            case XenbusState.Initialised:
                // NetBSD connects on Connected only, not on Initialised.
                break;
            case XenbusState.Connected:
                if (!IsConnected && await ConnectAsync())
                {
                    Errno error = await Device.SwitchStateAsync(XenbusState.Connected);
                    if (error != Errno.Ok)
                    {
                        _kernel.Log($"failed to switch state on {Device.NodeName}: {(int)error}");
                    }
                }

                break;
            case XenbusState.Closing:
                // NetBSD marks the instance disconnecting and clears RUNNING;
                // like Linux's netback, the rings and port are released here
                // already, so a frontend that then goes Closed (or
                // reconnects) finds nothing of its own still held by dom0.
                Disconnect();
                await Device.SwitchStateAsync(XenbusState.Closing);
                break;
            default:
                Log($"invalid frontend state {(int)state}");
                break;
        }
    }

    private async Task<bool> ConnectAsync()
    {
        string frontend = Device.OtherEndPath;
        XsResult<ulong> txRef = await Device.ReadOtherEndULongAsync("tx-ring-ref");
        if (!txRef.IsOk || txRef.Value > uint.MaxValue)
        {
            await Device.DevFatalAsync(ErrorOf(txRef), $"reading {frontend}/tx-ring-ref");
            return false;
        }

        XsResult<ulong> rxRef = await Device.ReadOtherEndULongAsync("rx-ring-ref");
        if (!rxRef.IsOk || rxRef.Value > uint.MaxValue)
        {
            await Device.DevFatalAsync(ErrorOf(rxRef), $"reading {frontend}/rx-ring-ref");
            return false;
        }

        XsResult<ulong> port = await Device.ReadOtherEndULongAsync("event-channel");
        if (!port.IsOk || port.Value > uint.MaxValue)
        {
            await Device.DevFatalAsync(ErrorOf(port), $"reading {frontend}/event-channel");
            return false;
        }

        XsResult<ulong> rxCopy = await Device.ReadOtherEndULongAsync("request-rx-copy");
        if (rxCopy.IsOk ? rxCopy.Value == 0 : rxCopy.Error == Errno.ENOENT)
        {
            // NetBSD passes the read's error: ENOENT when missing, 0 when the key says 0.
            await Device.DevFatalAsync(rxCopy.Error, $"{frontend}/request-rx-copy not supported by frontend");
            return false;
        }

        if (!rxCopy.IsOk)
        {
            await Device.DevFatalAsync(rxCopy.Error, $"reading {frontend}/request-rx-copy");
            return false;
        }

        // The frontend may have gone (or closed) while the keys were read.
        if (_detached || IsConnected)
        {
            return false;
        }

        return MapAndBind(new GrantRef((uint)txRef.Value), new GrantRef((uint)rxRef.Value), new EvtchnPort((uint)port.Value));
    }

    private static Errno ErrorOf(XsResult<ulong> result) => result.IsOk ? Errno.EINVAL : result.Error;

    /// <summary>
    /// Maps both rings read-write, binds to the frontend's port and takes the
    /// buffer pages. A failure here is logged and leaves the vif in InitWait
    /// with nothing held (NetBSD does not call dev_fatal for these).
    /// </summary>
    private bool MapAndBind(GrantRef txRef, GrantRef rxRef, EvtchnPort remotePort)
    {
        if (!_kernel.MapSpace.TryAllocate(out _txRingGfn) || !MapRing(txRef, _txRingGfn, out _txRingHandle))
        {
            Log("can't map TX grant ref");
            return false;
        }

        if (!_kernel.MapSpace.TryAllocate(out _rxRingGfn) || !MapRing(rxRef, _rxRingGfn, out _rxRingHandle))
        {
            Log("can't map RX grant ref");
            UnmapRing(_txRingGfn, _txRingHandle);
            return false;
        }

        var bind = new EvtchnBindInterdomain { RemoteDom = FrontendId, RemotePort = remotePort };
        Errno bound = Hypercalls.EventChannel.BindInterdomain(ref bind);
        if (bound != Errno.Ok)
        {
            Log($"can't get event channel: {(int)bound}");
            UnmapRings();
            return false;
        }

        _port = bind.LocalPort;
        _txRing = new BackRing(Hypercalls.Memory.PageMemory(_txRingGfn), NetifTxRequest.Size);
        _rxRing = new BackRing(Hypercalls.Memory.PageMemory(_rxRingGfn), NetifRxRequest.Size);
        AttachTraces(_txRing, _rxRing);
        IsConnected = true;
        IsDisabled = false;
        Interface.IsRunning = true;
        _kernel.Events.Bind(_port, _ => OnEvent());
        _kernel.Events.Notify(_port);
        OnEvent();
        return true;
    }

    private bool MapRing(GrantRef gref, Gfn at, out GrantHandle handle)
    {
        Span<GnttabMapGrantRef> map = [new() { HostAddr = at.Address, Flags = GntMapFlags.HostMap, Ref = gref, Dom = FrontendId }];
        Hypercalls.GrantTable.MapGrantRef(map);
        handle = map[0].Handle;
        if (map[0].Status != GntSt.Okay)
        {
            Log($"map_grant_ref {gref} of {FrontendId}: {map[0].Status}");
            _kernel.MapSpace.Free(at);
            return false;
        }

        return true;
    }

    private void UnmapRings()
    {
        UnmapRing(_txRingGfn, _txRingHandle);
        UnmapRing(_rxRingGfn, _rxRingHandle);
    }

    private void UnmapRing(Gfn at, GrantHandle handle)
    {
        Span<GnttabUnmapGrantRef> unmap = [new() { HostAddr = at.Address, Handle = handle }];
        Hypercalls.GrantTable.UnmapGrantRef(unmap);
        if (unmap[0].Status != GntSt.Okay)
        {
            Log($"unmap_grant_ref {handle}: {unmap[0].Status}");
        }

        _kernel.MapSpace.Free(at);
    }
}
