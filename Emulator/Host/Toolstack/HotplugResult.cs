namespace XvifSim.Host.Toolstack;

/// <summary>What a hotplug step did, or why it failed (for the log and the caller).</summary>
internal sealed record HotplugResult(bool Succeeded, string Message)
{
    public static HotplugResult Success(string message) => new(true, message);

    public static HotplugResult Failure(string message) => new(false, message);
}
