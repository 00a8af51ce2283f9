namespace XvifSim.Host.Captures;

/// <summary>
/// What <see cref="CaptureFolder.Prepare"/> found: the folder, why it cannot
/// be used (null when it can), how many old capture files it removed, and the
/// other entries it left alone (a user's notes, a subfolder), so the caller
/// can say they are there.
/// </summary>
internal sealed record CaptureFolderResult(string Directory, string? Error, int Removed, IReadOnlyList<string> OtherFiles)
{
    /// <summary>True if the folder can be used (<see cref="Error"/> is null).</summary>
    public bool Succeeded => Error is null;
}
