using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.Grants;
using XvifSim.Public.XenStore;
using XvifSim.Public.Xenbus;

namespace XvifSim.Host.Faults;

/// <summary>
/// One fault to inject, as parsed from its text <c>KIND:key=value,...</c>
/// (see <see cref="Parse"/> for the syntax). Only the properties its
/// <see cref="Kind"/> uses are meaningful; the others keep their defaults.
/// Operations are counted per spec: each spec counts the operations that
/// match its filters, from 1, and strikes those numbered
/// <see cref="Nth"/> to <see cref="Nth"/> + <see cref="Count"/> - 1.
/// </summary>
public sealed partial record FaultSpec
{
    /// <summary>The <see cref="Count"/> of <c>count=all</c>: every match from <see cref="Nth"/> on.</summary>
    public const long All = long.MaxValue;

    /// <summary>What the fault breaks.</summary>
    public required FaultKind Kind { get; init; }

    /// <summary>The text the spec was parsed from; every log line of a strike names it.</summary>
    public required string Text { get; init; }

    /// <summary>
    /// <c>dom=</c>: the domain whose operations are counted: the caller of a
    /// grant operation, the sender of an event, the client of a XenStore
    /// request (null: any client), the guest of a hotplug or crash fault.
    /// </summary>
    public DomId? Domain { get; init; }

    /// <summary><c>peer=</c>: for grant faults, only operations on grants of this domain (the granter of a map, a grant side of a copy).</summary>
    public DomId? Peer { get; init; }

    /// <summary><c>nth=</c>: the first matching operation struck, counting from 1.</summary>
    public long Nth { get; init; } = 1;

    /// <summary><c>count=</c>: how many matching operations are struck from <see cref="Nth"/> on; <see cref="All"/> for every one.</summary>
    public long Count { get; init; } = 1;

    /// <summary><c>status=</c>: the GNTST_* a struck grant operation answers.</summary>
    public GntSt Status { get; init; }

    /// <summary><c>op=</c>: the XenStore request type struck.</summary>
    public XsdSockmsgType Op { get; init; } = XsdSockmsgType.Invalid;

    /// <summary><c>path=</c>: the absolute path a struck XenStore request names; <c>*</c> matches any run of characters, / included.</summary>
    public string PathPattern { get; init; } = "*";

    /// <summary><c>error=</c>: the errno a struck XenStore request answers.</summary>
    public Errno Error { get; init; }

    /// <summary><c>port=</c>: the sender's port whose sends are dropped or delayed.</summary>
    public EvtchnPort Port { get; init; }

    /// <summary><c>ms=</c>: how long a delayed event or a late hotplug script waits, in scheduler time.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary><c>vif=</c>: the vif's handle (devid), for hotplug and crash faults.</summary>
    public int Vif { get; init; }

    /// <summary><c>end=</c>: which end's state a crash fault watches and which domain it crashes.</summary>
    public FaultEnd End { get; init; }

    /// <summary><c>state=</c>: the xenbus state at which a crash fault crashes its domain.</summary>
    public XenbusState State { get; init; }

    /// <summary>True if the <paramref name="ordinal"/>th matching operation (from 1) is one this spec strikes.</summary>
    public bool Strikes(long ordinal) => ordinal >= Nth && ordinal - Nth < Count;

    /// <summary>The spec's text.</summary>
    public override string ToString() => Text;
}
