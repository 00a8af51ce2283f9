using XvifSim.Public;

namespace XvifSim.Frontend;

/// <summary>
/// Forced detach (docs/reference/netbsd-xvif-xennet.md, "xennet: suspend and detach"; NetBSD xennet_xenbus_detach). NetBSD
/// sleeps until the backend has answered every TX request and released the
/// ring grants; a detach here cannot wait, so it ends every grant the
/// backend has released, keeps (and reports) the pages of those it still
/// holds, closes the event channel and frees the rest.
/// </summary>
public sealed partial class XennetInstance
{
    private bool _pagesAllocated;

    /// <summary>Grants the backend still held at detach; their pages were not freed. Empty after a clean teardown.</summary>
    public IReadOnlyList<GrantRef> HeldAtDetach { get; private set; } = [];

    internal void Detach()
    {
        Status = XennetBackendStatus.Closed;
        if (_port is { } port)
        {
            _kernel.Events.Unbind(port);
        }

        // The responses the backend has already written (NetBSD polls for the rest).
        if (_txRing is not null && !IsBroken)
        {
            CollectTxCompletions();
        }

        var held = new List<GrantRef>();
        if (_pagesAllocated)
        {
            for (int i = 0; i < _txSlots.Length; i++)
            {
                ref XennetTxSlot slot = ref _txSlots[i];
                slot.Pending = false;
                slot.Granted = !EndGrant(slot.Granted, slot.Gref, held);
                if (!slot.Granted)
                {
                    slot.ReleasePacket();
                }
            }

            for (int i = 0; i < _rxSlots.Length; i++)
            {
                ref XennetRxSlot slot = ref _rxSlots[i];
                slot.Posted = false;
                slot.Granted = !EndGrant(slot.Granted, slot.Gref, held);
                if (!slot.Granted)
                {
                    _kernel.Packets.FreePage(slot.Page);
                }
            }

            ResetChain();
        }

        if (Interface is not null)
        {
            _kernel.Interfaces.Detach(Interface);
        }

        if (_pagesAllocated)
        {
            _txRingRef = ReleaseRing(_txRingPage, _txRingRef, held);
            _rxRingRef = ReleaseRing(_rxRingPage, _rxRingRef, held);
            _pagesAllocated = false;
        }

        _kernel.Packets.Reclaim();
        _txRing = null;
        _rxRing = null;
        if (_port is { } open)
        {
            _ = _kernel.Hypercalls.EventChannel.Close(open);
            _port = null;
        }

        HeldAtDetach = held;
        if (held.Count > 0)
        {
            _kernel.Log($"{Name}: detached with {held.Count} grants still in use by backend domain {_device.OtherEndId.Value} " +
                $"({string.Join(", ", held.Select(g => g.Value))}); their pages are not freed");
        }
    }

    /// <summary>Ends the grant, if any; false (the grant listed in <paramref name="held"/>) while the backend still holds it.</summary>
    private bool EndGrant(bool granted, GrantRef gref, List<GrantRef> held)
    {
        if (granted && !_kernel.Grants.EndForeignAccess(gref))
        {
            held.Add(gref);
            return false;
        }

        return true;
    }

    /// <summary>Ends a ring page's grant and frees the page; the grant is kept (returned) while the backend still holds it, and the page with it.</summary>
    private GrantRef? ReleaseRing(Gfn page, GrantRef? gref, List<GrantRef> held)
    {
        if (!EndGrant(gref is not null, gref.GetValueOrDefault(), held))
        {
            return gref;
        }

        _kernel.Pages.Free(page);
        return null;
    }
}
