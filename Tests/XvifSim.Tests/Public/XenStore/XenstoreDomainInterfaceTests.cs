using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Public.XenStore;

/// <summary>Golden offsets and bytes for xs_wire.h's xenstore_domain_interface.</summary>
public class XenstoreDomainInterfaceTests
{
    [Test]
    public void OffsetsMatchTheHeader()
    {
        Assert.That(
            new[]
            {
                XenstoreDomainInterface.ReqOffset, XenstoreDomainInterface.RspOffset,
                XenstoreDomainInterface.ReqConsOffset, XenstoreDomainInterface.ReqProdOffset,
                XenstoreDomainInterface.RspConsOffset, XenstoreDomainInterface.RspProdOffset,
                XenstoreDomainInterface.ServerFeaturesOffset, XenstoreDomainInterface.ConnectionOffset,
                XenstoreDomainInterface.ErrorOffset, XenstoreDomainInterface.EvtchnPortOffset,
            },
            Is.EqualTo(new[] { 0, 1024, 2048, 2052, 2056, 2060, 2064, 2068, 2072, 2076 }));
        Assert.That(XenstoreDomainInterface.RingSize, Is.EqualTo(1024));
        Assert.That(XenstoreDomainInterface.Size, Is.EqualTo(2080));
    }

    [Test]
    public void FieldsAreLittleEndianU32()
    {
        var page = new byte[4096];
        XenstoreDomainInterface.WriteField(page, XenstoreDomainInterface.RspProdOffset, 0x11223344);
        Assert.That(page[2060..2064], Is.EqualTo(new byte[] { 0x44, 0x33, 0x22, 0x11 }));
        Assert.That(XenstoreDomainInterface.ReadField(page, XenstoreDomainInterface.RspProdOffset), Is.EqualTo(0x11223344u));
    }

    [Test]
    public void IndicesWrapWithinTheRing()
    {
        Assert.That(XenstoreDomainInterface.MaskIndex(1023), Is.EqualTo(1023));
        Assert.That(XenstoreDomainInterface.MaskIndex(1024), Is.Zero);
        Assert.That(XenstoreDomainInterface.MaskIndex(uint.MaxValue), Is.EqualTo(1023));
    }

    [Test]
    public void FeatureConnectionAndErrorValuesMatchTheHeader()
    {
        Assert.That(
            new[] { (uint)XenstoreServerFeatures.Reconnection, (uint)XenstoreServerFeatures.Error, (uint)XenstoreServerFeatures.WatchDepth, (uint)XenstoreServerFeatures.DomIdAny },
            Is.EqualTo(new uint[] { 1, 2, 4, 8 }));
        Assert.That(((uint)XenstoreConnectionState.Connected, (uint)XenstoreConnectionState.Reconnect), Is.EqualTo((0u, 1u)));
        Assert.That(
            new[] { (uint)XenstoreRingError.None, (uint)XenstoreRingError.Comm, (uint)XenstoreRingError.RingIdx, (uint)XenstoreRingError.Proto },
            Is.EqualTo(new uint[] { 0, 1, 2, 3 }));
    }
}
