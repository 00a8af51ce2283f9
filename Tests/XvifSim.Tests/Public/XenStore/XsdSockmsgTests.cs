using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Public.XenStore;

/// <summary>Golden bytes for xs_wire.h's header and numbering.</summary>
public class XsdSockmsgTests
{
    [Test]
    public void HeaderLayoutIsFourLittleEndianWords()
    {
        var header = new XsdSockmsg(XsdSockmsgType.Write, 0x04030201, 0x08070605, 0x0C0B0A09);
        var bytes = new byte[XsdSockmsg.Size];
        header.Write(bytes);
        Assert.That(bytes, Is.EqualTo(new byte[]
        {
            11, 0, 0, 0,
            0x01, 0x02, 0x03, 0x04,
            0x05, 0x06, 0x07, 0x08,
            0x09, 0x0A, 0x0B, 0x0C,
        }));
        Assert.That(XsdSockmsg.Read(bytes), Is.EqualTo(header));
        Assert.That(XsdSockmsg.Size, Is.EqualTo(16));
    }

    [Test]
    public void ShortBuffersAreRefused()
    {
        Assert.That(() => XsdSockmsg.Read(new byte[15]), Throws.ArgumentException);
        Assert.That(() => default(XsdSockmsg).Write(new byte[15]), Throws.ArgumentException);
    }

    [Test]
    public void MessageTypesHaveXsWireNumbers()
    {
        XsdSockmsgType[] inOrder =
        [
            XsdSockmsgType.Control, XsdSockmsgType.Directory, XsdSockmsgType.Read, XsdSockmsgType.GetPerms,
            XsdSockmsgType.Watch, XsdSockmsgType.Unwatch, XsdSockmsgType.TransactionStart, XsdSockmsgType.TransactionEnd,
            XsdSockmsgType.Introduce, XsdSockmsgType.Release, XsdSockmsgType.GetDomainPath, XsdSockmsgType.Write,
            XsdSockmsgType.Mkdir, XsdSockmsgType.Rm, XsdSockmsgType.SetPerms, XsdSockmsgType.WatchEvent,
            XsdSockmsgType.Error, XsdSockmsgType.IsDomainIntroduced, XsdSockmsgType.Resume, XsdSockmsgType.SetTarget,
            XsdSockmsgType.Restrict, XsdSockmsgType.ResetWatches, XsdSockmsgType.DirectoryPart, XsdSockmsgType.GetFeature,
            XsdSockmsgType.SetFeature, XsdSockmsgType.GetQuota, XsdSockmsgType.SetQuota,
        ];
        Assert.That(inOrder.Select(t => (uint)t), Is.EqualTo(Enumerable.Range(0, 27).Select(i => (uint)i)));
        Assert.That((uint)XsdSockmsgType.Invalid, Is.EqualTo(0xFFFFu));
    }

    [Test]
    public void LimitsAreXsWires()
    {
        Assert.That((XsLimits.PayloadMax, XsLimits.AbsPathMax, XsLimits.RelPathMax), Is.EqualTo((4096, 3072, 2048)));
    }
}
