namespace XvifSim.Guest.Net;

/// <summary>
/// Sees every frame that crosses an interface, exactly once per crossing (a
/// bpf tap). The frame is only valid during the call: a tap copies what it keeps.
/// </summary>
public interface ICaptureTap
{
    /// <summary>One frame crossed <paramref name="iface"/> in <paramref name="direction"/>; runs on the interface's vCPU.</summary>
    void Frame(NetworkInterface iface, FrameDirection direction, ReadOnlySpan<byte> frame);
}
