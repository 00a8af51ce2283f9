namespace XvifSim.Host.Captures;

/// <summary>
/// The capture writer could not write its files (a full disk, say) or could
/// not keep up for <see cref="CaptureWriter.WaitLimit"/>: the captures of the
/// run are incomplete from that point, so the run stops at the host's next
/// step, as it does for a file that could not be created.
/// </summary>
public sealed class CaptureWriteException(string directory, string reason, Exception? inner = null)
    : IOException($"cannot write the captures in {directory}: {reason}", inner)
{
    /// <summary>The capture folder whose files are incomplete.</summary>
    public string Directory { get; } = directory;

    /// <summary>What went wrong, without the folder.</summary>
    public string Reason { get; } = reason;
}
