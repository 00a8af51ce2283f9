namespace XvifSim.Fuzz;

/// <summary>The targets by name, as run-campaign.sh and the tests select them.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } = [XenStoreTarget.TargetName, XvifTxTarget.TargetName];

    /// <summary>A new target named <paramref name="name"/>, or null if there is none.</summary>
    public static IFuzzTarget? Create(string name) => name switch
    {
        XenStoreTarget.TargetName => new XenStoreTarget(),
        XvifTxTarget.TargetName => new XvifTxTarget(),
        _ => null,
    };
}
