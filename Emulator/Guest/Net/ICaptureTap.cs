namespace XvifSim.Guest.Net;

/// <summary>
/// Sees every frame that crosses an interface, exactly once per crossing (a
/// bpf tap). The buffer is only borrowed for the call: a tap reads its
/// segments (<see cref="PacketBuffer.Data"/>) and copies what it keeps.
/// </summary>
public interface ICaptureTap
{
    /// <summary>One frame crossed <paramref name="iface"/> in <paramref name="direction"/>; runs on the interface's vCPU.</summary>
    void Frame(NetworkInterface iface, FrameDirection direction, PacketBuffer packet);
}
