using System.Diagnostics.CodeAnalysis;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Memory;
using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Emulator.Grants;

/// <summary>
/// One domain's grant table, version 1 (xen/common/grant_table.c,
/// public/grant_table.h). As granter it owns the shared grant frames its
/// guest writes entries into, and the active entries that shadow the ones in
/// use; as mapper it owns the maptrack of its mappings of others' grants.
/// The owning domain is the caller of every operation.
///
/// Locking: one lock per table guards its frames, active entries and
/// maptrack. Map and unmap touch two tables (the mapper's maptrack and the
/// granter's entry) and take both locks in domid order; a copy pins one
/// granter at a time. The shared entries are guest memory: flags and domid
/// are read with one atomic load and updated by compare-and-swap, and nothing
/// read from them is trusted later. Under a lock only grant-table state, the
/// p2m and frame counters (lock-free) are touched; the zombie reaper runs after
/// every lock is released.
/// </summary>
public sealed partial class GrantTable : IGrantTableOps
{
    private readonly Domain _owner;
    private readonly Lock _lock = new();
    private readonly Maptrack _maptrack;

    internal GrantTable(Domain owner)
    {
        if (owner.Config.MaxGrantFrames < InitialFrames)
        {
            throw new ArgumentException($"{owner}: a grant table needs at least {InitialFrames} frame", nameof(owner));
        }

        _owner = owner;
        _frames = new PageFrame[owner.Config.MaxGrantFrames];
        _maptrack = new Maptrack(owner.Config.MaxMaptrackFrames);
        lock (_lock)
        {
            Grow(InitialFrames);
        }
    }

    /// <summary>
    /// True while any entry of this table is pinned by a mapping (the
    /// domain's own mappings of its grants included). A dying domain stays a
    /// zombie while this holds. Read under the lock, so a map that saw the
    /// domain alive has either finished pinning or will see it dying.
    /// </summary>
    public bool IsMappedByOthers
    {
        get
        {
            lock (_lock)
            {
                return _mapPins != 0;
            }
        }
    }

    /// <summary>
    /// True while any entry of this table is pinned, by a mapping or by a
    /// grant copy in flight. A dying domain is not freed while this holds
    /// (Machine.ReapIfUnreferenced); read under the lock, so a pin taken after
    /// it read false finds the domain dying and is refused.
    /// </summary>
    internal bool IsPinned
    {
        get
        {
            lock (_lock)
            {
                return _mapPins != 0 || _copyPins != 0;
            }
        }
    }

    /// <summary>Grants in use by mappers and mappings held, one line each.</summary>
    public IEnumerable<string> Outstanding()
    {
        var lines = new List<string>();
        lock (_lock)
        {
            for (int gref = 0; gref < _active.Length; gref++)
            {
                ref readonly ActiveEntry act = ref _active[gref];
                if (act.IsMapped)
                {
                    lines.Add($"gref {gref} mapped by {act.Domid} ({(act.MapWritePins != 0 ? "rw" : "ro")})");
                }
            }

            for (uint handle = 0; handle < _maptrack.Limit; handle++)
            {
                ref readonly MaptrackEntry map = ref _maptrack[handle];
                if (map.InUse)
                {
                    lines.Add($"handle {handle} maps {map.Granter!.Id} gref {map.Ref.Value}");
                }
            }
        }

        return lines;
    }

    /// <summary>rcu_lock_domain_by_id: a live or dying domain by its real id (the caller's own included; DOMID_SELF is not an id).</summary>
    private bool TryFindById(DomId id, [NotNullWhen(true)] out Domain? domain)
    {
        if (id == _owner.Id)
        {
            domain = _owner;
            return true;
        }

        if (_owner.Machine.TryGetDomain(id, out Domain found))
        {
            domain = found;
            return true;
        }

        domain = null;
        return false;
    }

    /// <summary>rcu_lock_domain_by_any_id: as <see cref="TryFindById"/>, and DOMID_SELF names the caller.</summary>
    private bool TryFindByAnyId(DomId id, [NotNullWhen(true)] out Domain? domain)
    {
        if (id == DomId.Self)
        {
            domain = _owner;
            return true;
        }

        return TryFindById(id, out domain);
    }

    /// <summary>
    /// The two tables' locks in domid order, so two domains mapping each
    /// other's grants cannot deadlock (Xen's double_gt_lock orders by address).
    /// For a domain's own grant both are the same lock, which is re-entrant.
    /// </summary>
    private static (Lock First, Lock Second) InOrder(GrantTable a, GrantTable b) =>
        a._owner.Id.Value <= b._owner.Id.Value ? (a._lock, b._lock) : (b._lock, a._lock);

    /// <summary>After a mapping of a dying domain's page or a copy pin went away: free the zombie if nothing pins it now. Call with no lock held.</summary>
    private static void ReapIfDying(Domain granter)
    {
        if (granter.State == DomainState.Dying)
        {
            granter.Machine.ReapIfUnreferenced(granter);
        }
    }
}
