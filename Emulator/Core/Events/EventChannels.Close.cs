using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Emulator.Events;

/// <summary>Releasing ports: EVTCHNOP_close and evtchn_destroy.</summary>
public sealed partial class EventChannels
{
    /// <summary>
    /// EVTCHNOP_close. EINVAL for a port out of range, free, reserved (port 0)
    /// or attached to the hypervisor. An interdomain peer falls back to
    /// unbound, offered back to this domain; a VIRQ is unbound. The port's
    /// pending bit is cleared so a later re-use starts clean (free_evtchn).
    /// </summary>
    public Errno Close(EvtchnPort port) => IsValid(port) ? Close(port, byGuest: true) : Errno.EINVAL;

    /// <summary>
    /// evtchn_destroy, on domain destruction: closes every port as close does
    /// (interdomain peers fall back to unbound), Xen-attached ones included.
    /// The caller has already marked the domain dying, so once the snapshot
    /// below is taken under the lock no new port can be allocated here.
    /// A peer writes into this domain's shared_info only while delivering on
    /// an interdomain port bound to it, holding its own lock (Send,
    /// NotifyViaXenEventChannel), and closing takes both domains' locks: once
    /// this returns no peer can touch the page, which the reaper relies on
    /// before it frees the domain's memory (Machine.ReapIfUnreferenced).
    /// </summary>
    internal void CloseAll()
    {
        var open = new List<EvtchnPort>();
        lock (_lock)
        {
            for (uint p = 1; p < _ports.Length; p++)
            {
                if (_ports[p].State is not (EvtchnState.Free or EvtchnState.Reserved))
                {
                    open.Add(new EvtchnPort(p));
                }
            }
        }

        foreach (EvtchnPort port in open)
        {
            _ = Close(port, byGuest: false);
        }
    }

    /// <summary>
    /// __evtchn_close. The peer of an interdomain port is read under this
    /// domain's lock, then both locks are taken in domid order; if the port
    /// was re-bound in between, look again (Xen answers EINVAL there instead;
    /// retrying closes what the caller sees now).
    /// </summary>
    private Errno Close(EvtchnPort port, bool byGuest)
    {
        while (true)
        {
            EventChannels? peer;
            lock (_lock)
            {
                ref readonly EvtchnEntry seen = ref _ports[port.Value];
                peer = seen.State == EvtchnState.Interdomain ? seen.Peer : null;
            }

            EventChannels other = peer ?? this;
            lock (FirstLock(this, other))
            {
                lock (SecondLock(this, other))
                {
                    ref EvtchnEntry e = ref _ports[port.Value];
                    if (e.State == EvtchnState.Interdomain && e.Peer != peer)
                    {
                        continue;
                    }

                    if (e.State is EvtchnState.Free or EvtchnState.Reserved)
                    {
                        return Errno.EINVAL;
                    }

                    // A guest cannot close a channel the hypervisor consumes.
                    if (byGuest && e.XenConsumer is not null)
                    {
                        return Errno.EINVAL;
                    }

                    if (e.State == EvtchnState.Virq)
                    {
                        _virqToPort[(int)e.Virq] = default;
                    }
                    else if (e.State == EvtchnState.Interdomain)
                    {
                        ref EvtchnEntry r = ref e.Peer!._ports[e.RemotePort.Value];
                        r.State = EvtchnState.Unbound;
                        r.RemoteDom = _owner.Id;
                        r.Peer = null;
                        r.RemotePort = default;
                    }

                    _ = SharedBits.TestAndClear(_owner.SharedInfo.Span, SharedInfoLayout.PendingWord(port), SharedInfoLayout.Bit(port));
                    e = default;
                    return Errno.Ok;
                }
            }
        }
    }
}
