namespace XvifSim.Host.Captures;

/// <summary>
/// A capture file that could not be created: the run cannot keep its promise
/// that every frame is captured, so it stops. Thrown on the host's thread (a
/// session's first file); a file an interface needed later is recorded as
/// <see cref="CaptureSession.Failure"/> instead, since a throw there would
/// crash the domain whose vCPU attached the interface.
/// </summary>
public sealed class CaptureFileException(string path, string reason, Exception inner)
    : IOException($"cannot create the capture file {path}: {reason}", inner)
{
    /// <summary>The capture file that could not be created.</summary>
    public string Path { get; } = path;

    /// <summary>Why not: the message of the error that creating it raised.</summary>
    public string Reason { get; } = reason;
}
