using XvifSim.Public;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Public.XenStore;

/// <summary>xs_wire.h's xsd_errors table.</summary>
public class XsErrorsTests
{
    [Test]
    public void TableHasXsWiresOrder()
    {
        Assert.That(XsErrors.All.ToArray().Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT", "ENOMEM", "ENOSPC", "EIO",
            "ENOTEMPTY", "ENOSYS", "EROFS", "EBUSY", "EAGAIN", "EISCONN", "E2BIG", "EPERM",
        }));
    }

    [Test]
    public void NamesRoundTrip()
    {
        foreach (Errno errno in XsErrors.All)
        {
            Assert.That(XsErrors.TryParse(XsErrors.NameOf(errno), out Errno parsed), Is.True);
            Assert.That(parsed, Is.EqualTo(errno));
        }
    }

    [Test]
    public void ValuesOutsideTheTableAreSentAsEinvalAndUnknownNamesDoNotParse()
    {
        Assert.That(XsErrors.IsDefined(Errno.EFAULT), Is.False);
        Assert.That(XsErrors.NameOf(Errno.EFAULT), Is.EqualTo("EINVAL"));
        Assert.That(XsErrors.TryParse("EFAULT", out Errno parsed), Is.False);
        Assert.That(parsed, Is.EqualTo(Errno.EINVAL));
    }
}
