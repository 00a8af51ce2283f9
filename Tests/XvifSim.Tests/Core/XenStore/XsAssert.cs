using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>Assertions on replies.</summary>
internal static class XsAssert
{
    public static void IsOk(XsMessage reply, XsdSockmsgType type)
    {
        Assert.That(reply.Type, Is.EqualTo(type), reply.ToString());
        Assert.That(reply.Text, Is.EqualTo("OK\0"), reply.ToString());
    }

    public static void IsError(XsMessage reply, string name)
    {
        Assert.That(reply.ErrorName, Is.EqualTo(name), reply.ToString());
        Assert.That(reply.Payload[^1], Is.Zero, "the error name ends with a NUL");
    }

    public static void HasValue(XsMessage reply, string value)
    {
        Assert.That(reply.Type, Is.EqualTo(XsdSockmsgType.Read), reply.ToString());
        Assert.That(reply.Text, Is.EqualTo(value));
    }
}
