using XvifSim.Emulator.Domains;
using XvifSim.Public.Grants;

namespace XvifSim.Emulator.Grants;

/// <summary>
/// SKELETON (to be implemented): one domain's grant table v1 (its shared
/// entries, as granter) and its maptrack (its mappings of others' grants, as mapper).
/// </summary>
public sealed class GrantTable : IGrantTableOps
{
    private readonly Domain _owner;

    internal GrantTable(Domain owner) => _owner = owner;

    public void MapGrantRef(Span<GnttabMapGrantRef> ops) => throw new NotImplementedException(_owner.ToString());

    public void UnmapGrantRef(Span<GnttabUnmapGrantRef> ops) => throw new NotImplementedException();

    public void Copy(Span<GnttabCopy> ops) => throw new NotImplementedException();

    public void SetupTable(ref GnttabSetupTable op) => throw new NotImplementedException();

    public void QuerySize(ref GnttabQuerySize op) => throw new NotImplementedException();

    /// <summary>True while some other domain maps one of this domain's granted frames.</summary>
    public bool IsMappedByOthers => false;

    /// <summary>gnttab_release_mappings: on destroy, unmap everything this domain mapped from others.</summary>
    internal void ReleaseMappings()
    {
    }

    /// <summary>Grants in use and mappings held, one line each.</summary>
    public IEnumerable<string> Outstanding() => [];
}
