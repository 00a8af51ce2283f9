using System.Collections.Immutable;
using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// Domain management: INTRODUCE, RELEASE, RESUME, SET_TARGET,
/// IS_DOMAIN_INTRODUCED, GET_DOMAIN_PATH (domain.c), and the same hooks for
/// the hypervisor to call directly.
/// </summary>
public sealed partial class XenStoreCore
{
    private const string IntroduceDomainPath = "@introduceDomain";
    private const string ReleaseDomainPath = "@releaseDomain";

    /// <summary>Introduced domains; dom0 is introduced from the start, as C's dom0_init does.</summary>
    private readonly HashSet<DomId> _introduced = [];

    /// <summary>
    /// Raised, with no lock held, after every successful introduction, so the
    /// ring server can (re)attach the domain's ring.
    /// </summary>
    public event Action<XsIntroduction>? DomainIntroduced;

    /// <summary>Raised, with no lock held, after a domain is released.</summary>
    public event Action<DomId>? DomainReleased;

    /// <summary>
    /// The hypervisor's hook for a new domain: as INTRODUCE from dom0, with no
    /// ring address (the ring server finds it itself). EINVAL for ids that
    /// are not real domains.
    /// </summary>
    public Errno IntroduceDomain(DomId domain) =>
        domain.IsRealDomain ? ExecuteHost(op => Introduce(op, new XsIntroduction(domain, 0, 0, false))) : Errno.EINVAL;

    /// <summary>
    /// The hypervisor's hook for a domain going away: as RELEASE from dom0.
    /// EINVAL for dom0, ENOENT if the domain is not introduced.
    /// </summary>
    public Errno ReleaseDomain(DomId domain) => ExecuteHost(op => Release(op, domain));

    /// <summary>True while <paramref name="domain"/> is introduced (IS_DOMAIN_INTRODUCED).</summary>
    public bool IsIntroduced(DomId domain)
    {
        lock (_lock)
        {
            return _introduced.Contains(domain);
        }
    }

    /// <summary>
    /// INTRODUCE <c>domid|gfn|evtchn|</c>, privileged. The gfn is signed
    /// decimal; an event channel of 0 is EINVAL (domain.c do_introduce). A
    /// domain the hypervisor does not know is EINVAL too, and stays
    /// unintroduced: C's introduce_domain fails when map_interface cannot map
    /// the domain's GNTTAB_RESERVED_XENSTORE grant, and do_introduce answers
    /// that errno (EINVAL, which Linux's gntdev gives for a failed grant map).
    /// A domain already introduced is only reset, as in C.
    /// </summary>
    private void ProcessIntroduce(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = Errno.EINVAL;
        XsIntroduction introduction = default;
        if (XsPayload.CountStrings(payload) >= 3
            && XsDecimal.TryParseDomId(XsPayload.String(payload, 0), out DomId domain) && domain.IsRealDomain
            && XsDecimal.TryParseLong(XsPayload.String(payload, 1), out long gfn)
            && XsDecimal.TryParseUInt(XsPayload.String(payload, 2), out uint port) && port != 0)
        {
            parsed = Errno.Ok;
            introduction = new XsIntroduction(domain, gfn, port, false);
        }

        Execute(request, XsTxMode.Check, true, op =>
            parsed != Errno.Ok ? XsReply.Fail(parsed)
            : !_introduced.Contains(introduction.Domain) && _domainExists?.Invoke(introduction.Domain) == false ? XsReply.Fail(Errno.EINVAL)
            : Introduce(op, introduction));
    }

    private void ProcessRelease(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = ParseDomId(payload, out DomId domain);
        Execute(request, XsTxMode.Check, true, op => parsed == Errno.Ok ? Release(op, domain) : XsReply.Fail(parsed));
    }

    /// <summary>
    /// RESUME <c>domid|</c>, privileged: re-arms @releaseDomain after a
    /// suspend. We do not watch for domain shutdown, so there is nothing to
    /// re-arm; the domain must still be introduced (ENOENT otherwise).
    /// </summary>
    private void ProcessResume(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = ParseDomId(payload, out DomId domain);
        Execute(request, XsTxMode.Check, true, op =>
            parsed != Errno.Ok ? XsReply.Fail(parsed)
            : _introduced.Contains(domain) ? XsReply.Ok
            : XsReply.Fail(Errno.ENOENT));
    }

    /// <summary>
    /// SET_TARGET <c>domid|tdomid|</c>, privileged: domid may then act on
    /// tdomid's nodes as tdomid would (a device-model stub domain). Both
    /// domains must be introduced (ENOENT).
    /// </summary>
    private void ProcessSetTarget(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = Errno.EINVAL;
        DomId domain = default;
        DomId target = default;
        if (XsPayload.CountStrings(payload) >= 2
            && XsDecimal.TryParseDomId(XsPayload.String(payload, 0), out domain)
            && XsDecimal.TryParseDomId(XsPayload.String(payload, 1), out target))
        {
            parsed = Errno.Ok;
        }

        Execute(request, XsTxMode.Check, true, op =>
        {
            if (parsed != Errno.Ok)
            {
                return XsReply.Fail(parsed);
            }

            if (!_introduced.Contains(domain) || !_introduced.Contains(target))
            {
                return XsReply.Fail(Errno.ENOENT);
            }

            _targets[domain] = target;
            return XsReply.Ok;
        });
    }

    private void ProcessIsDomainIntroduced(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = ParseDomId(payload, out DomId domain);
        Execute(request, XsTxMode.Check, true, op =>
            parsed != Errno.Ok ? XsReply.Fail(parsed)
            : XsReply.Success(XsPayload.Terminated(_introduced.Contains(domain) ? "T" : "F")));
    }

    /// <summary>GET_DOMAIN_PATH <c>domid|</c>: /local/domain/&lt;domid&gt; for any id, introduced or not, for any caller.</summary>
    private void ProcessGetDomainPath(XsRequest request, ReadOnlySpan<byte> payload)
    {
        Errno parsed = ParseDomId(payload, out DomId domain);
        Execute(request, XsTxMode.Check, false, op =>
            parsed != Errno.Ok ? XsReply.Fail(parsed) : XsReply.Success(XsPayload.Terminated(XsPath.DomainPath(domain))));
    }

    /// <summary>
    /// Marks a domain introduced and fires @introduceDomain (not for dom0).
    /// A repeat resets the domain's connection instead (C's domain_conn_reset:
    /// watches and transactions are dropped). Privileged connections with the
    /// same id, such as socket clients, are not the domain's ring and are kept.
    /// </summary>
    private XsReply Introduce(XsOp op, XsIntroduction introduction)
    {
        DomId domain = introduction.Domain;
        bool repeat = !_introduced.Add(domain);
        if (repeat)
        {
            foreach (XsConnection conn in _connections)
            {
                if (conn.DomId == domain && !conn.IsPrivileged)
                {
                    conn.Watches.Clear();
                    CloseTransactions(conn);
                }
            }
        }
        else if (domain != DomId.Dom0)
        {
            op.Events.Add(SpecialEvent(IntroduceDomainPath));
        }

        XsIntroduction raised = introduction with { Repeat = repeat };
        op.Delivery.After(() => DomainIntroduced?.Invoke(raised));
        return XsReply.Ok;
    }

    /// <summary>
    /// Forgets a domain: its ring connections are dropped with their watches
    /// and transactions, its SET_TARGET links go, and, as C xenstored does
    /// unless started with -K (domain.c domain_tree_remove), the nodes it owns
    /// are removed with their subtrees, firing watches as RM does; permission
    /// entries naming it are dropped from the remaining nodes (master). Then
    /// @releaseDomain fires.
    /// </summary>
    private XsReply Release(XsOp op, DomId domain)
    {
        if (domain == DomId.Dom0)
        {
            return XsReply.Fail(Errno.EINVAL);
        }

        if (!_introduced.Remove(domain))
        {
            return XsReply.Fail(Errno.ENOENT);
        }

        _targets.Remove(domain);
        foreach (DomId source in _targets.Where(t => t.Value == domain).Select(t => t.Key).ToList())
        {
            _targets.Remove(source);
        }

        foreach (XsConnection conn in _connections.Where(c => c.DomId == domain && !c.IsPrivileged).ToList())
        {
            Drop(conn);
        }

        var owned = new List<string>();
        FindOwned(op, "/", domain, owned);
        foreach (string path in owned)
        {
            RemoveSubtree(op, op.Get(path)!);
        }

        foreach (XsNode node in _tree.Snapshot())
        {
            if (node.Perms.Skip(1).Any(p => p.Domain == domain))
            {
                ImmutableArray<XsPermission> kept = [node.Perms[0], .. node.Perms.Skip(1).Where(p => p.Domain != domain)];
                op.Put(node.WithPerms(kept));
            }
        }

        op.Events.Add(SpecialEvent(ReleaseDomainPath));
        op.Delivery.After(() => DomainReleased?.Invoke(domain));
        return XsReply.Ok;
    }

    /// <summary>The topmost nodes below <paramref name="path"/> owned by <paramref name="domain"/>, in tree order.</summary>
    private static void FindOwned(XsOp op, string path, DomId domain, List<string> owned)
    {
        XsNode node = op.Get(path)!;
        foreach (string child in node.Children)
        {
            string childPath = XsPath.Child(path, child);
            XsNode? childNode = op.Get(childPath);
            if (childNode is null)
            {
                continue;
            }

            if (childNode.Owner == domain)
            {
                owned.Add(childPath);
            }
            else
            {
                FindOwned(op, childPath, domain, owned);
            }
        }
    }

    private static Errno ParseDomId(ReadOnlySpan<byte> payload, out DomId domain)
    {
        domain = default;
        string? arg = XsPayload.OneArg(payload);
        return arg is not null && XsDecimal.TryParseDomId(arg, out domain) ? Errno.Ok : Errno.EINVAL;
    }
}
