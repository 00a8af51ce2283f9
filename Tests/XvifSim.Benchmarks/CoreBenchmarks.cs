using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Guest;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;

namespace XvifSim.Benchmarks;

/// <summary>
/// The hypervisor operations every frame will pay for: a 1500-byte
/// GNTTABOP_copy against a plain memory copy of the same bytes, a grant
/// map+unmap pair, and an EVTCHNOP_send with its delivery.
/// </summary>
internal static class CoreBenchmarks
{
    /// <summary>The measurements, baseline first; throws if a measured operation failed.</summary>
    public static IReadOnlyList<Measurement> Run(TimeSpan duration)
    {
        using var machine = new Machine(new DeterministicScheduler(seed: 1));
        Domain guestDomain = machine.CreateDomain(new DomainConfig("guest1"));
        var guest = new GuestKernel(guestDomain.Hypercalls, "guest1");
        var dom0 = new GuestKernel(machine.Dom0.Hypercalls, "dom0");

        Gfn page = guest.Pages.Allocate();
        guest.Grants.TryGrantForeignAccess(DomId.Dom0, page, readOnly: false, out GrantRef gref);
        Gfn local = dom0.Pages.Allocate();
        byte[] source = new byte[1500];
        byte[] target = new byte[1500];

        var results = new List<Measurement>
        {
            Measurement.Take("memcpy 1500 B (baseline)", duration, () => source.AsSpan().CopyTo(target)),
        };

        var copy = new GnttabCopy[1];
        results.Add(Measurement.Take("GNTTABOP_copy 1500 B, gref to frame", duration, () =>
        {
            copy[0] = new GnttabCopy
            {
                Source = GnttabCopyPtr.Grant(guestDomain.Id, gref, 0),
                Dest = GnttabCopyPtr.Frame(local, 0),
                Len = 1500,
                Flags = GntCopyFlags.SourceGref,
            };
            dom0.Hypercalls.GrantTable.Copy(copy);
        }));

        var map = new GnttabMapGrantRef[1];
        var unmap = new GnttabUnmapGrantRef[1];
        ulong hostAddr = dom0.Hypercalls.Memory.Layout.MapSpaceStart.Address;
        results.Add(Measurement.Take("map_grant_ref + unmap_grant_ref", duration, () =>
        {
            map[0] = new GnttabMapGrantRef { HostAddr = hostAddr, Flags = GntMapFlags.HostMap, Ref = gref, Dom = guestDomain.Id };
            dom0.Hypercalls.GrantTable.MapGrantRef(map);
            unmap[0] = new GnttabUnmapGrantRef { HostAddr = hostAddr, Handle = map[0].Handle };
            dom0.Hypercalls.GrantTable.UnmapGrantRef(unmap);
        }));

        var alloc = new EvtchnAllocUnbound { Dom = DomId.Self, RemoteDom = DomId.Dom0 };
        guest.Hypercalls.EventChannel.AllocUnbound(ref alloc);
        var bind = new EvtchnBindInterdomain { RemoteDom = guestDomain.Id, RemotePort = alloc.Port };
        dom0.Hypercalls.EventChannel.BindInterdomain(ref bind);
        results.Add(Measurement.Take("EVTCHNOP_send (pending already set)", duration, () => dom0.Hypercalls.EventChannel.Send(bind.LocalPort)));

        if (copy[0].Status != GntSt.Okay || map[0].Status != GntSt.Okay || unmap[0].Status != GntSt.Okay)
        {
            throw new InvalidOperationException($"a measured operation failed: copy {copy[0].Status}, map {map[0].Status}, unmap {unmap[0].Status}");
        }

        return results;
    }
}
