namespace XvifSim.Host.Toolstack;

/// <summary>
/// One network interface of a guest, the settings of an xl vif spec
/// (xl-network-configuration(5)) that this toolstack uses. The toolstack
/// writes these strings verbatim: the xl.cfg parser checks them, but code
/// may build a spec the parser would refuse, so that a scenario can give the
/// backend a bad <see cref="Mac"/> or none at all.
/// </summary>
public sealed record VifSpec
{
    /// <summary>bridge= default. libxl's is xenbr0; NetBSD dom0s bridge with bridge(4), named bridgeN.</summary>
    public const string DefaultBridge = "bridge0";

    /// <summary>script= default, the hotplug script libxl runs (xl-network-configuration(5)).</summary>
    public const string DefaultScript = "vif-bridge";

    /// <summary>
    /// The MAC written to the backend's and the frontend's <c>mac</c> keys,
    /// as is. Null writes no <c>mac</c> key at all (the parser always sets
    /// one, making one up when the spec has none).
    /// </summary>
    public string? Mac { get; init; }

    /// <summary>The bridge the hotplug script adds the backend interface to.</summary>
    public string Bridge { get; init; } = DefaultBridge;

    /// <summary>The hotplug script; a name without a slash is looked up in libxl's script directory.</summary>
    public string Script { get; init; } = DefaultScript;

    /// <summary>
    /// vifname=: written to the backend's <c>vifname</c> key when set, as libxl
    /// does; xvif then names its interface with it instead of
    /// xvif&lt;domid&gt;i&lt;handle&gt; (see XvifInstance.Attach.cs).
    /// </summary>
    public string? VifName { get; init; }

    /// <summary>ip=: written to the backend's <c>ip</c> key when set (for scripts that filter on it).</summary>
    public string? Ip { get; init; }
}
