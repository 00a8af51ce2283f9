using Moq;
using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Tests.Core.Grants;

/// <summary>
/// A Machine on a mocked scheduler (the real ones are not needed to call
/// hypercalls directly), and the guest-side steps of the grant protocol:
/// writing an entry into one's own grant frame, ending access, mapping,
/// unmapping and copying through the per-domain facade.
/// </summary>
internal sealed class GrantTestBed : IDisposable
{
    public GrantTestBed(DomainConfig? dom0 = null)
    {
        var scheduler = new Mock<IScheduler>();
        scheduler.Setup(s => s.CreateVcpu(It.IsAny<DomId>(), It.IsAny<Action<Exception>>()))
            .Returns(() => Mock.Of<IVcpuContext>());
        Machine = new Machine(scheduler.Object, new MachineOptions { Dom0 = dom0 ?? new DomainConfig("Domain-0"), XenStore = false });
    }

    public Machine Machine { get; }

    public Domain Dom0 => Machine.Dom0;

    public Domain CreateGuest(DomainConfig? config = null) => Machine.CreateDomain(config ?? new DomainConfig("guest"));

    public void Dispose() => Machine.Dispose();

    /// <summary>The granter's guest writes entry <paramref name="gref"/> in its own grant frame (domid and frame, then flags).</summary>
    public static void Grant(Domain granter, uint gref, DomId grantee, ulong gfn, GtfFlags flags = GtfFlags.PermitAccess)
    {
        Span<byte> frame = GrantFrame(granter, gref);
        GrantEntryV1.Write(frame, GrantEntryV1.OffsetInFrame(new GrantRef(gref)), grantee, (uint)gfn, flags);
    }

    public static GtfFlags EntryFlags(Domain granter, uint gref) =>
        GrantEntryV1.ReadFlags(GrantFrame(granter, gref), GrantEntryV1.OffsetInFrame(new GrantRef(gref)));

    /// <summary>The guest's end of access (gnttab_end_foreign_access_ref): clear the flags only if the hypervisor has not marked the entry busy.</summary>
    public static bool EndAccess(Domain granter, uint gref)
    {
        Span<byte> frame = GrantFrame(granter, gref);
        int offset = GrantEntryV1.OffsetInFrame(new GrantRef(gref));
        GtfFlags flags = GrantEntryV1.ReadFlags(frame, offset);
        if ((flags & (GtfFlags.Reading | GtfFlags.Writing)) != 0)
        {
            return false;
        }

        return GrantEntryV1.CompareExchangeFlags(frame, offset, GtfFlags.Invalid, flags) == flags;
    }

    /// <summary>Slot <paramref name="index"/> of the mapper's map space.</summary>
    public static Gfn MapSlot(Domain mapper, ulong index) => new(mapper.Memory.Layout.MapSpaceStart.Value + index);

    public static GnttabMapGrantRef Map(Domain mapper, DomId granter, uint gref, Gfn at, GntMapFlags flags = GntMapFlags.HostMap) =>
        Map(mapper, granter, gref, at.Address, flags);

    public static GnttabMapGrantRef Map(Domain mapper, DomId granter, uint gref, ulong hostAddr, GntMapFlags flags)
    {
        GnttabMapGrantRef[] ops = [new() { Dom = granter, Ref = new GrantRef(gref), HostAddr = hostAddr, Flags = flags }];
        mapper.Hypercalls.GrantTable.MapGrantRef(ops);
        return ops[0];
    }

    public static GntSt Unmap(Domain mapper, GrantHandle handle, ulong hostAddr, ulong devBusAddr = 0)
    {
        GnttabUnmapGrantRef[] ops = [new() { Handle = handle, HostAddr = hostAddr, DevBusAddr = devBusAddr }];
        mapper.Hypercalls.GrantTable.UnmapGrantRef(ops);
        return ops[0].Status;
    }

    public static GntSt Copy(Domain caller, GnttabCopyPtr source, GnttabCopyPtr dest, ushort len, GntCopyFlags flags)
    {
        GnttabCopy[] ops = [new() { Source = source, Dest = dest, Len = len, Flags = flags }];
        caller.Hypercalls.GrantTable.Copy(ops);
        return ops[0].Status;
    }

    private static Span<byte> GrantFrame(Domain granter, uint gref) =>
        granter.Hypercalls.Memory.Page(new Gfn(granter.Memory.Layout.GrantFramesStart.Value + (ulong)GrantEntryV1.FrameIndex(new GrantRef(gref))));
}
