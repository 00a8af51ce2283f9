namespace XvifSim.Emulator.XenStore;

/// <summary>
/// Per-domain limits for unprivileged domains, with C xenstored 4.17's
/// defaults (-E, -W, -t, -S, -A, -M). Privileged connections are never
/// limited. Where C compares with "&gt;" and so admits one more watch or
/// transaction than the number says (watch.c do_watch, transaction.c
/// do_transaction_start), we enforce the number as written.
/// </summary>
public sealed record XsQuotas
{
    /// <summary>Nodes a domain may own (-E); ENOSPC.</summary>
    public int Nodes { get; init; } = 1000;

    /// <summary>Watches a domain may hold (-W); C answers E2BIG, not ENOSPC.</summary>
    public int Watches { get; init; } = 128;

    /// <summary>Open transactions (-t); ENOSPC.</summary>
    public int Transactions { get; init; } = 10;

    /// <summary>
    /// Accounted size of one node (-S): C's record header (24 bytes), 8 bytes
    /// per permission, the value and the child-name list; ENOSPC.
    /// </summary>
    public int NodeSize { get; init; } = 2048;

    /// <summary>Permissions in one SET_PERMS (-A); ENOSPC.</summary>
    public int PermsPerNode { get; init; } = 5;

    /// <summary>Path length below /local/domain/N/ (-M); EINVAL.</summary>
    public int PathLength { get; init; } = 2048;
}
