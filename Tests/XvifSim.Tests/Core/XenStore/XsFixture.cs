using XvifSim.Emulator.XenStore;
using XvifSim.Public;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>
/// A store with a privileged dom0 client and two introduced guests, each
/// owning its home as a toolstack would arrange (/local/domain/N owned by N).
/// </summary>
internal sealed class XsFixture
{
    public XsFixture(XsQuotas? quotas = null)
    {
        Core = new XenStoreCore(quotas);
        Dom0 = new XsTestClient(Core, DomId.Dom0, privileged: true);
        foreach (ushort id in new ushort[] { 1, 2 })
        {
            Assert.That(Core.IntroduceDomain(new DomId(id)), Is.EqualTo(Errno.Ok));
            XsAssert.IsOk(Dom0.Mkdir($"/local/domain/{id}"), XvifSim.Public.XenStore.XsdSockmsgType.Mkdir);
            XsAssert.IsOk(Dom0.SetPerms($"/local/domain/{id}", $"n{id}"), XvifSim.Public.XenStore.XsdSockmsgType.SetPerms);
        }

        Guest1 = new XsTestClient(Core, new DomId(1), privileged: false);
        Guest2 = new XsTestClient(Core, new DomId(2), privileged: false);
        Dom0.Clear();
    }

    public XenStoreCore Core { get; }

    public XsTestClient Dom0 { get; }

    public XsTestClient Guest1 { get; }

    public XsTestClient Guest2 { get; }
}
