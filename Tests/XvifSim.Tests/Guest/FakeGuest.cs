using Moq;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.Memory;

namespace XvifSim.Tests.Guest;

/// <summary>
/// A guest's view of the hypervisor with everything mocked: pages are plain
/// arrays, setup_table hands out grant frames up to a limit, and the upcall
/// handler the guest registers is captured so a test can raise it.
/// </summary>
internal sealed class FakeGuest
{
    public FakeGuest(uint maxGrantFrames = 4)
    {
        Layout = new PhysMap(RamPages: 16, MaxGrantFrames: maxGrantFrames, MapSpacePages: 16);
        Memory = new FakeGuestMemory(Layout);
        GrantTable.Setup(g => g.SetupTable(ref It.Ref<GnttabSetupTable>.IsAny))
            .Callback(new SetupTableCallback((ref GnttabSetupTable op) =>
            {
                SetupCalls++;
                if (op.NrFrames > maxGrantFrames)
                {
                    op.Status = GntSt.GeneralError;
                    return;
                }

                op.Status = GntSt.Okay;
                op.FrameList = Enumerable.Range(0, (int)op.NrFrames)
                    .Select(i => new Gfn(Layout.GrantFramesStart.Value + (ulong)i)).ToArray();
            }));
        Vcpu.Setup(v => v.SetUpcallHandler(It.IsAny<Action>())).Callback((Action a) => Upcall = a);
        Hypercalls.SetupGet(h => h.DomId).Returns(new DomId(7));
        Hypercalls.SetupGet(h => h.Memory).Returns(Memory);
        Hypercalls.SetupGet(h => h.GrantTable).Returns(GrantTable.Object);
        Hypercalls.SetupGet(h => h.EventChannel).Returns(EventChannel.Object);
        Hypercalls.SetupGet(h => h.Vcpu).Returns(Vcpu.Object);
        Hypercalls.SetupGet(h => h.StartInfo).Returns(new StartInfo(Layout, Layout.XenstoreRing, new EvtchnPort(1)));
    }

    private delegate void SetupTableCallback(ref GnttabSetupTable op);

    public PhysMap Layout { get; }

    public Mock<IHypercalls> Hypercalls { get; } = new();

    public FakeGuestMemory Memory { get; }

    public Mock<IGrantTableOps> GrantTable { get; } = new();

    public Mock<IEventChannelOps> EventChannel { get; } = new();

    public Mock<IVcpu> Vcpu { get; } = new();

    public Action? Upcall { get; private set; }

    public int SetupCalls { get; private set; }

    public byte[] SharedInfo => PageAt(Layout.SharedInfo);

    public byte[] PageAt(Gfn gfn) => Memory.PageAt(gfn);

    /// <summary>Marks a port pending the way Xen does (pending bit, selector bit, upcall flag).</summary>
    public void RaisePending(EvtchnPort port)
    {
        SharedBits.TestAndSet(SharedInfo, SharedInfoLayout.PendingWord(port), SharedInfoLayout.Bit(port));
        SharedBits.TestAndSet(SharedInfo, SharedInfoLayout.VcpuInfo(0) + VcpuInfoLayout.EvtchnPendingSel, 1UL << (int)(port.Value / 64));
        SharedBits.WriteU8(SharedInfo, SharedInfoLayout.VcpuInfo(0) + VcpuInfoLayout.EvtchnUpcallPending, 1);
    }
}
