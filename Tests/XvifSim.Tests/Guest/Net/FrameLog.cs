using XvifSim.Guest.Net;

namespace XvifSim.Tests.Guest.Net;

/// <summary>A capture tap that keeps a copy of every frame with where and which way it crossed.</summary>
internal sealed class FrameLog : ICaptureTap
{
    public List<(string Interface, FrameDirection Direction, byte[] Frame)> Frames { get; } = [];

    public void Frame(NetworkInterface iface, FrameDirection direction, PacketBuffer packet) =>
        Frames.Add((iface.Name, direction, packet.ToArray()));

    public IEnumerable<byte[]> Out(string iface) =>
        Frames.Where(f => f.Interface == iface && f.Direction == FrameDirection.Out).Select(f => f.Frame);

    public IEnumerable<byte[]> In(string iface) =>
        Frames.Where(f => f.Interface == iface && f.Direction == FrameDirection.In).Select(f => f.Frame);

    public void Clear() => Frames.Clear();
}
