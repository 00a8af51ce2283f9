using Moq;
using XvifSim.Emulator;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Host.Toolstack;
using XvifSim.Public;
using Libxl = XvifSim.Host.Toolstack.Toolstack;

namespace XvifSim.Tests.Host.Toolstack;

/// <summary>A machine with xenstored, dom0's home written, and a toolstack whose hotplug script is a mock and whose log is kept.</summary>
internal sealed class ToolstackTestBed : IDisposable
{
    public ToolstackTestBed()
    {
        Machine = new Machine(new DeterministicScheduler(1));
        Store = new XsHostClient(Machine.XenStore.Core);
        DomainDirectories.WriteDom0(Store);
        Toolstack = new Libxl(Machine, Store, Hotplug.Object, Log.Add);
    }

    public Machine Machine { get; }

    public XsHostClient Store { get; }

    public Mock<IHotplugScript> Hotplug { get; } = new(MockBehavior.Strict);

    public Libxl Toolstack { get; }

    public List<string> Log { get; } = [];

    public XenStoreCore Core => Machine.XenStore.Core;

    public string Read(string path)
    {
        Assert.That(Store.Read(path, out string value), Is.EqualTo(Errno.Ok), path);
        return value;
    }

    public IReadOnlyList<string> Perms(string path)
    {
        Assert.That(Store.GetPerms(path, out IReadOnlyList<string> perms), Is.EqualTo(Errno.Ok), path);
        return perms;
    }

    public bool Exists(string path) => Store.Directory(path, out _) != Errno.ENOENT;

    /// <summary>Every key of a directory with its value.</summary>
    public Dictionary<string, string> Keys(string path)
    {
        Assert.That(Store.Directory(path, out IReadOnlyList<string> children), Is.EqualTo(Errno.Ok), path);
        return children.ToDictionary(c => c, c => Read($"{path}/{c}"));
    }

    /// <summary>What the xvif driver writes in its create step: its interface name.</summary>
    public void BackendWritesVifName(DomId guest, int handle) =>
        Assert.That(Store.Write($"{Libxl.BackendPath(guest, handle)}/vifname", $"xvif{guest.Value}i{handle}"), Is.EqualTo(Errno.Ok));

    public void Dispose()
    {
        Store.Dispose();
        Machine.Dispose();
    }
}
