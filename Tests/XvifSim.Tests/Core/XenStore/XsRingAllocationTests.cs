using XvifSim.Emulator.Domains;
using XvifSim.Emulator.XenStore;
using XvifSim.Public;
using XvifSim.Public.XenStore;
using XvifSim.Tests.Guest.Xenbus;
using static XvifSim.Public.XenStore.XenstoreDomainInterface;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>
/// The ring server's own cost per request: a READ written into a guest's
/// req[] by hand, one service pass (<see cref="XsRingConnection.Service"/>:
/// read the request out of the ring, the core, queue the reply in a pooled
/// buffer, write it into rsp[]), and rsp[] consumed, measured on the test's
/// thread. It must stay under the core's 64 bytes: the server adds nothing
/// per request of its own.
/// </summary>
public sealed class XsRingAllocationTests
{
    private const int Ops = 5_000;

    [Test]
    public void AServicePassAnsweringOneReadAllocatesUnder64Bytes()
    {
        using var bed = new XenbusTestBed(seed: 3);
        Domain guest = bed.AddBareGuest("guest");
        Assert.That(bed.Store.Write($"/local/domain/{guest.Id.Value}/name", "guest"), Is.EqualTo(Errno.Ok));
        XsRingConnection ring = bed.Machine.XenStore.Ring(guest.Id)!;
        Memory<byte> page = guest.XenstoreRing.Memory;
        byte[] request = RawXsRing.Message(XsdSockmsgType.Read, 9, "name");
        int expected = XsdSockmsg.Size + "guest".Length;

        void ReadOnce()
        {
            uint prod = SharedBits.ReadU32(page.Span, ReqProdOffset);
            for (int i = 0; i < request.Length; i++)
            {
                page.Span[ReqOffset + MaskIndex(prod + (uint)i)] = request[i];
            }

            SharedBits.WriteU32(page.Span, ReqProdOffset, prod + (uint)request.Length);
            ring.Service();

            // Consume the reply, as the guest would.
            SharedBits.WriteU32(page.Span, RspConsOffset, SharedBits.ReadU32(page.Span, RspProdOffset));
        }

        for (int i = 0; i < 500; i++)
        {
            ReadOnce();
        }

        uint before = SharedBits.ReadU32(page.Span, RspProdOffset);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Ops; i++)
        {
            ReadOnce();
        }

        double perOp = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / Ops;
        uint produced = SharedBits.ReadU32(page.Span, RspProdOffset) - before;
        Assert.Multiple(() =>
        {
            Assert.That(perOp, Is.LessThan(64), "bytes allocated per READ through the ring server");
            Assert.That(produced, Is.EqualTo((uint)(Ops * expected)), "every READ was answered with the 5-byte value");
            Assert.That(ring.Error, Is.EqualTo(XenstoreRingError.None));
        });
    }
}
