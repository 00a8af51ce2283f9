using System.Text;
using XvifSim.Guest;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// The steps of the core demo, each run on the vCPU of the domain that takes
/// it: the guest grants a page and offers an event channel, dom0 binds,
/// maps, writes, copies in and out, and notifies; the guest answers; both
/// tear down. The grant reference and port travel from guest to dom0 here by
/// hand, where real drivers pass them through XenStore.
/// </summary>
internal sealed class CoreDemo(GuestKernel dom0, GuestKernel guest)
{
    public const string GuestMessage = "hello dom0, from guest1";
    public const string MappedReply = "dom0 wrote this through a grant mapping";
    public const string CopiedReply = "dom0 put this here with GNTTABOP_copy";
    private const int MappedOffset = 1024;
    private const int CopiedOffset = 2048;

    /// <summary>Where the guest sets a byte when it has answered, so dom0 can tell a real event from a spurious one.</summary>
    private const int AnsweredOffset = 3072;

    private readonly List<string> _failures = [];
    private Gfn _guestPage;
    private GrantRef _gref;
    private EvtchnPort _guestPort;
    private EvtchnPort _dom0Port;
    private Gfn _mapGfn;
    private GrantHandle _handle;

    private volatile bool _finished;

    public bool Finished => _finished;

    public IReadOnlyList<string> Failures => _failures;

    /// <summary>Step 1, on the guest: grant a page to dom0 and offer it an unbound port.</summary>
    public void GuestOffer()
    {
        _guestPage = guest.Pages.Allocate();
        Encoding.ASCII.GetBytes(GuestMessage).CopyTo(guest.Hypercalls.Memory.Page(_guestPage));
        if (!guest.Grants.TryGrantForeignAccess(dom0.DomId, _guestPage, readOnly: false, out _gref))
        {
            Fail("guest1: no free grant reference");
            return;
        }

        var alloc = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = dom0.DomId };
        if (Check(guest.Hypercalls.EventChannel.AllocUnbound(ref alloc), "alloc_unbound"))
        {
            _guestPort = alloc.Port;
            guest.Events.Bind(_guestPort, _ => GuestOnEvent());
            guest.Log($"granted {_guestPage} to {dom0.DomId} as {_gref}; offered event channel {_guestPort} to {dom0.DomId}");
            dom0.Run(Dom0Connect);
        }
    }

    /// <summary>Step 2, on dom0: bind the port, map the grant, write through it, copy both ways, notify.</summary>
    private void Dom0Connect()
    {
        var bind = new EvtchnBindInterdomain { RemoteDom = guest.DomId, RemotePort = _guestPort };
        if (!Check(dom0.Hypercalls.EventChannel.BindInterdomain(ref bind), "bind_interdomain"))
        {
            return;
        }

        _dom0Port = bind.LocalPort;
        dom0.Events.Bind(_dom0Port, _ => Dom0OnEvent());
        _mapGfn = dom0.Hypercalls.Memory.Layout.MapSpaceStart;
        Span<GnttabMapGrantRef> map = [new() { HostAddr = _mapGfn.Address, Flags = GntMapFlags.HostMap, Ref = _gref, Dom = guest.DomId }];
        dom0.Hypercalls.GrantTable.MapGrantRef(map);
        if (map[0].Status != GntSt.Okay)
        {
            Fail($"dom0: map_grant_ref gave {map[0].Status}");
            return;
        }

        _handle = map[0].Handle;
        Span<byte> mapped = dom0.Hypercalls.Memory.Page(_mapGfn);
        string seen = Encoding.ASCII.GetString(mapped[..GuestMessage.Length]);
        dom0.Log($"bound {_dom0Port} to {guest.DomId} {_guestPort}; mapped {guest.DomId} {_gref} at {_mapGfn} ({_handle}): \"{seen}\"");
        Expect(seen == GuestMessage, $"dom0 read \"{seen}\" through the mapping");
        Encoding.ASCII.GetBytes(MappedReply).CopyTo(mapped[MappedOffset..]);

        Gfn bounce = dom0.Pages.Allocate();
        Encoding.ASCII.GetBytes(CopiedReply).CopyTo(dom0.Hypercalls.Memory.Page(bounce));
        Span<GnttabCopy> copies =
        [
            new()
            {
                Source = GnttabCopyPtr.Frame(bounce, 0),
                Dest = GnttabCopyPtr.Grant(guest.DomId, _gref, CopiedOffset),
                Len = (ushort)CopiedReply.Length,
                Flags = GntCopyFlags.DestGref,
            },
            new()
            {
                Source = GnttabCopyPtr.Grant(guest.DomId, _gref, 0),
                Dest = GnttabCopyPtr.Frame(bounce, 2048),
                Len = (ushort)GuestMessage.Length,
                Flags = GntCopyFlags.SourceGref,
            },
        ];
        dom0.Hypercalls.GrantTable.Copy(copies);
        string copiedOut = Encoding.ASCII.GetString(dom0.Hypercalls.Memory.Page(bounce).Slice(2048, GuestMessage.Length));
        dom0.Log($"grant copy into {_gref}: {copies[0].Status}; out of it: {copies[1].Status}, \"{copiedOut}\"");
        Expect(copies[0].Status == GntSt.Okay && copies[1].Status == GntSt.Okay && copiedOut == GuestMessage, "both grant copies succeed");
        dom0.Pages.Free(bounce);

        Check(dom0.Events.Notify(_dom0Port), "send");
        dom0.Log($"notified {guest.DomId} on {_dom0Port}");
    }

    /// <summary>Step 3, on the guest: read what dom0 wrote, show that access cannot end while mapped, answer.</summary>
    private void GuestOnEvent()
    {
        Span<byte> page = guest.Hypercalls.Memory.Page(_guestPage);
        string mapped = Encoding.ASCII.GetString(page.Slice(MappedOffset, MappedReply.Length));
        string copied = Encoding.ASCII.GetString(page.Slice(CopiedOffset, CopiedReply.Length));
        guest.Log($"event on {_guestPort}: page now holds \"{mapped}\" and \"{copied}\"");
        Expect(mapped == MappedReply && copied == CopiedReply, "the guest sees dom0's writes in its own page");

        bool ended = guest.Grants.EndForeignAccess(_gref);
        guest.Log($"end of access to {_gref} while mapped: {(ended ? "allowed" : "refused")} (flags {guest.Grants.Flags(_gref)})");
        Expect(!ended, "end of access is refused while dom0 maps the page");
        page[AnsweredOffset] = 1;
        Check(guest.Events.Notify(_guestPort), "send");
    }

    /// <summary>Step 4, on dom0: the answer arrived; unmap and close.</summary>
    private void Dom0OnEvent()
    {
        // Events carry no data: bind_interdomain leaves the new port pending
        // (Xen covers notifications sent while it was unbound), so the first
        // event can come before the guest has answered. Like any driver,
        // look at the shared page before acting.
        if (dom0.Hypercalls.Memory.Page(_mapGfn)[AnsweredOffset] == 0)
        {
            dom0.Log($"event on {_dom0Port} before {guest.DomId} answered: spurious, ignored");
            return;
        }

        Span<GnttabUnmapGrantRef> unmap = [new() { HostAddr = _mapGfn.Address, Handle = _handle }];
        dom0.Hypercalls.GrantTable.UnmapGrantRef(unmap);
        dom0.Events.Unbind(_dom0Port);
        Errno closed = dom0.Hypercalls.EventChannel.Close(_dom0Port);
        dom0.Log($"event from {guest.DomId} on {_dom0Port}; unmapped {_handle}: {unmap[0].Status}; closed {_dom0Port}: {closed}");
        Expect(unmap[0].Status == GntSt.Okay && closed == Errno.Ok, "unmap and close succeed");
        guest.Run(GuestTeardown);
    }

    /// <summary>Step 5, on the guest: end access (now allowed) and close its port.</summary>
    private void GuestTeardown()
    {
        bool ended = guest.Grants.EndForeignAccess(_gref);
        var status = new EvtchnStatus { Dom = DomId.Self, Port = _guestPort };
        guest.Hypercalls.EventChannel.Status(ref status);
        guest.Events.Unbind(_guestPort);
        Errno closed = guest.Hypercalls.EventChannel.Close(_guestPort);
        guest.Log($"end of access to {_gref}: {(ended ? "done" : "refused")}; {_guestPort} was {status.Status} after dom0 closed, closed: {closed}");
        Expect(ended, "end of access succeeds once unmapped");
        Expect(status.Status == EvtchnStatusKind.Unbound, "the guest's port falls back to unbound when dom0 closes");
        guest.Pages.Free(_guestPage);
        _finished = true;
    }

    private bool Check(Errno result, string op)
    {
        Expect(result == Errno.Ok, $"{op} returns {result}");
        return result == Errno.Ok;
    }

    private void Expect(bool condition, string what)
    {
        if (!condition)
        {
            Fail(what);
        }
    }

    private void Fail(string what)
    {
        _failures.Add(what);
        _finished = true;
    }
}
