using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Tests.Core.Memory;

/// <summary>
/// A domain's native memory goes back exactly when Xen would free the pages
/// (the zombie reaped, Machine.ReapIfUnreferenced), never while anything can
/// still touch them, and nothing leaks over many lifetimes.
/// </summary>
public class MemoryLifetimeTests
{
    private const uint Gref = 8;
    private const ulong GrantedGfn = 20;

    private static DomainConfig SmallGuest(int i) => new($"guest{i}") { RamPages = 64, MaxGrantFrames = 4, MapSpacePages = 16 };

    /// <summary>The guest grants <see cref="GrantedGfn"/> to dom0 and dom0 maps it at the first gfn of its map space.</summary>
    private static GrantHandle GrantAndMap(Machine machine, Domain guest, byte marker)
    {
        guest.Memory.Page(new Gfn(GrantedGfn))[0] = marker;
        GrantEntryV1.Write(guest.Memory.Page(guest.Memory.Layout.GrantFramesStart), GrantEntryV1.OffsetInFrame(new GrantRef(Gref)), DomId.Dom0, (uint)GrantedGfn, GtfFlags.PermitAccess);
        GnttabMapGrantRef[] map = [new() { Dom = guest.Id, Ref = new GrantRef(Gref), HostAddr = machine.Dom0.Memory.Layout.MapSpaceStart.Address, Flags = GntMapFlags.HostMap }];
        machine.Dom0.Hypercalls.GrantTable.MapGrantRef(map);
        Assert.That(map[0].Status, Is.EqualTo(GntSt.Okay));
        return map[0].Handle;
    }

    private static GntSt Unmap(Machine machine, GrantHandle handle)
    {
        GnttabUnmapGrantRef[] unmap = [new() { Handle = handle, HostAddr = machine.Dom0.Memory.Layout.MapSpaceStart.Address }];
        machine.Dom0.Hypercalls.GrantTable.UnmapGrantRef(unmap);
        return unmap[0].Status;
    }

    [Test]
    public void AThousandCreateDestroyCycles_LeaveNoNativeMemoryBehind_AZombieIncluded()
    {
        using var machine = new Machine(new DeterministicScheduler(seed: 1));
        long blocks = machine.Frames.BlocksOutstanding, bytes = machine.Frames.BytesOutstanding;
        Assert.That(blocks, Is.EqualTo(1), "dom0's block");

        for (int i = 0; i < 1000; i++)
        {
            Domain guest = machine.CreateDomain(SmallGuest(i));
            guest.Memory.Page(new Gfn((ulong)(i % 64)))[i % XenPage.Size] = 0xFF;
            if (i % 100 == 7)
            {
                // Dom0 maps one of its pages: destroying it leaves a zombie whose
                // memory stays (dom0 still reads the page) until the unmap.
                GrantHandle handle = GrantAndMap(machine, guest, marker: (byte)i);
                machine.DestroyDomain(guest.Id);
                Assert.Multiple(() =>
                {
                    Assert.That(guest.State, Is.EqualTo(DomainState.Dying));
                    Assert.That(machine.Frames.BlocksOutstanding, Is.EqualTo(blocks + 1), "the zombie's block is kept");
                    Assert.That(machine.Dom0.Memory.Page(machine.Dom0.Memory.Layout.MapSpaceStart)[0], Is.EqualTo((byte)i), "dom0 still reads the mapped page");
                });
                Assert.That(Unmap(machine, handle), Is.EqualTo(GntSt.Okay));
                Assert.That(guest.State, Is.EqualTo(DomainState.Dead), "the last unmap reaps the zombie");
            }
            else
            {
                machine.DestroyDomain(guest.Id);
                Assert.That(guest.State, Is.EqualTo(DomainState.Dead));
            }

            Assert.That(machine.Frames.BlocksOutstanding, Is.EqualTo(blocks), $"cycle {i}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(machine.Frames.BlocksOutstanding, Is.EqualTo(blocks));
            Assert.That(machine.Frames.BytesOutstanding, Is.EqualTo(bytes));
            Assert.That(machine.Outstanding(), Is.Empty);
        });
    }

    [Test]
    public void DisposingTheMachine_FreesEveryDomainsMemory()
    {
        var machine = new Machine(new DeterministicScheduler(seed: 1));
        Domain guest = machine.CreateDomain(SmallGuest(1));
        machine.CreateDomain(SmallGuest(2));
        GrantAndMap(machine, guest, marker: 1);
        Assert.That(machine.Frames.BlocksOutstanding, Is.EqualTo(3));

        machine.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(machine.Frames.BlocksOutstanding, Is.Zero);
            Assert.That(machine.Frames.BytesOutstanding, Is.Zero);
        });
    }

    [Test]
    public void ADomainCannotBeDestroyedFromItsOwnVcpu_NorIsItHarmedByTrying()
    {
        using var machine = new Machine(new DeterministicScheduler(seed: 1), new MachineOptions { XenStore = false });
        Domain guest = machine.CreateDomain(SmallGuest(1));
        Exception? refused = null;
        guest.Hypercalls.Vcpu.Schedule(() => refused = Assert.Catch(() => machine.DestroyDomain(guest.Id)));
        machine.Scheduler.RunFor(TimeSpan.FromMilliseconds(1));

        Assert.That(refused, Is.InstanceOf<InvalidOperationException>());
        Assert.That(guest.State, Is.EqualTo(DomainState.Running));
        machine.DestroyDomain(guest.Id);
        Assert.That(guest.State, Is.EqualTo(DomainState.Dead));
    }

    [Test]
    [CancelAfter(30_000)]
    public void DestroyDomain_WaitsForTheWorkItemItsVcpuIsRunning_BeforeFreeingItsPages()
    {
        using var machine = new Machine(new ThreadedScheduler(), new MachineOptions { XenStore = false });
        Domain guest = machine.CreateDomain(SmallGuest(1));
        using var started = new ManualResetEventSlim();
        int writes = 0;
        bool finished = false;
        guest.Hypercalls.Vcpu.Schedule(() =>
        {
            started.Set();
            // The guest keeps writing its own page for a while: were its
            // memory freed under it, this would be a wild write.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.ElapsedMilliseconds < 200)
            {
                guest.Hypercalls.Memory.Page(new Gfn(3))[writes++ % XenPage.Size] = 1;
            }

            Volatile.Write(ref finished, true);
        });
        Assert.That(started.Wait(TimeSpan.FromSeconds(10)), Is.True, "the item started");

        machine.DestroyDomain(guest.Id);

        Assert.Multiple(() =>
        {
            Assert.That(Volatile.Read(ref finished), Is.True, "DestroyDomain returned only after the running item did (vcpu_sleep_sync)");
            Assert.That(writes, Is.GreaterThan(0));
            Assert.That(guest.State, Is.EqualTo(DomainState.Dead));
            Assert.That(machine.Frames.BlocksOutstanding, Is.EqualTo(1), "only dom0's block is left");
        });
    }
}
