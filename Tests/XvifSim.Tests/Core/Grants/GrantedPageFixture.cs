using XvifSim.Emulator.Domains;
using static XvifSim.Tests.Core.Grants.GrantTestBed;

namespace XvifSim.Tests.Core.Grants;

/// <summary>
/// Where the map, unmap and copy tests start: a guest (the granter) has
/// granted dom0 its page <see cref="GrantedGfn"/> as <see cref="Gref"/>.
/// </summary>
internal abstract class GrantedPageFixture
{
    protected const uint Gref = 10;
    protected const ulong GrantedGfn = 5;

    protected GrantTestBed Bed { get; private set; } = null!;

    protected Domain Dom0 { get; private set; } = null!;

    protected Domain Granter { get; private set; } = null!;

    [SetUp]
    public void GrantAPage()
    {
        Bed = new GrantTestBed();
        Dom0 = Bed.Dom0;
        Granter = Bed.CreateGuest();
        Grant(Granter, Gref, Dom0.Id, GrantedGfn);
    }

    [TearDown]
    public void TearDown() => Bed.Dispose();
}
