using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Tests.Core.Events;

/// <summary>Golden bytes for xen.h's shared_info / vcpu_info event fields (x86-64, 2-level ABI).</summary>
public sealed class SharedInfoLayoutTests
{
    [Test]
    public void OffsetsMatchXenH()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SharedInfoLayout.VcpuInfoSize, Is.EqualTo(64));
            Assert.That(SharedInfoLayout.LegacyMaxVcpus * SharedInfoLayout.VcpuInfoSize, Is.EqualTo(2048));
            Assert.That(SharedInfoLayout.EvtchnPendingOffset, Is.EqualTo(2048));
            Assert.That(SharedInfoLayout.EvtchnMaskOffset, Is.EqualTo(2560));
            Assert.That(SharedInfoLayout.NrChannels, Is.EqualTo(4096));
            Assert.That(SharedInfoLayout.VcpuInfo(1), Is.EqualTo(64));
            Assert.That(VcpuInfoLayout.EvtchnUpcallPending, Is.Zero);
            Assert.That(VcpuInfoLayout.EvtchnUpcallMask, Is.EqualTo(1));
            Assert.That(VcpuInfoLayout.EvtchnPendingSel, Is.EqualTo(8));
        });
    }

    [Test]
    public void PortBitsLandOnTheGoldenBytes()
    {
        var page = new byte[XenPage.Size];
        var port = new EvtchnPort(65); // word 1, bit 1
        var last = new EvtchnPort(4095); // word 63, bit 63

        SharedBits.TestAndSet(page, SharedInfoLayout.PendingWord(port), SharedInfoLayout.Bit(port));
        SharedBits.TestAndSet(page, SharedInfoLayout.MaskWord(last), SharedInfoLayout.Bit(last));

        var expected = new byte[XenPage.Size];
        expected[2048 + 8] = 0x02;
        expected[2560 + 63 * 8 + 7] = 0x80;
        Assert.That(page, Is.EqualTo(expected));
    }

    [Test]
    public void DeliveryWritesExactlyTheseBytes()
    {
        using var bed = new EventTestBed();
        var guest = bed.NewGuest();
        byte[] before = guest.SharedInfo.Span.ToArray();

        guest.EventChannels.SetPending(new EvtchnPort(130)); // word 2, bit 2

        byte[] expected = before;
        expected[0] = 1; // evtchn_upcall_pending
        expected[8] = 0x04; // evtchn_pending_sel bit 2
        expected[2048 + 16] = 0x04; // evtchn_pending word 2 bit 2
        Assert.That(guest.SharedInfo.Span.ToArray(), Is.EqualTo(expected));
    }
}
