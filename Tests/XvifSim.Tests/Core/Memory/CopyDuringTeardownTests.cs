using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Public;
using XvifSim.Public.Grants;

namespace XvifSim.Tests.Core.Memory;

/// <summary>
/// A peer grant-copies out of a domain in a loop on another thread while the
/// domain is destroyed. GrantTable.Copy pins under the granter's lock but
/// copies outside it, so the reaper must wait for copy pins and a pin taken
/// after the reaper looked must find the domain dying: every copy answers
/// GNTST_okay with the right bytes until the destruction, GNTST_bad_domain
/// after it, and the process never touches freed memory.
/// </summary>
public class CopyDuringTeardownTests
{
    private const uint Gref = 3;
    private const ulong GrantedGfn = 9;
    private const byte Pattern = 0x5C;

    [Test]
    [CancelAfter(60_000)]
    public void DestroyingADomainWhileAPeerCopiesFromIt_OkayThenBadDomain_AndTheMemoryIsFreed([Values(false, true)] bool threadedScheduler)
    {
        IScheduler scheduler = threadedScheduler ? new ThreadedScheduler() : new DeterministicScheduler(seed: 1);
        using var machine = new Machine(scheduler, new MachineOptions { XenStore = false });
        Gfn bounce = new(1);
        for (int round = 0; round < 20; round++)
        {
            Domain guest = machine.CreateDomain(new DomainConfig($"guest{round}") { RamPages = 32, MaxGrantFrames = 1, MapSpacePages = 1 });
            guest.Memory.Page(new Gfn(GrantedGfn)).Fill(Pattern);
            GrantEntryV1.Write(guest.Memory.Page(guest.Memory.Layout.GrantFramesStart), GrantEntryV1.OffsetInFrame(new GrantRef(Gref)), DomId.Dom0, (uint)GrantedGfn, GtfFlags.PermitAccess | GtfFlags.Readonly);

            var statuses = new List<GntSt>();
            bool wrongBytes = false;
            using var copying = new ManualResetEventSlim();
            var copier = new Thread(() =>
            {
                // Dom0's copy loop: whole pages, so that much of each copy runs outside the granter's lock.
                GnttabCopy[] op = new GnttabCopy[1];
                int badDomain = 0;
                while (badDomain < 50)
                {
                    machine.Dom0.Memory.Page(bounce).Clear();
                    op[0] = new GnttabCopy { Source = GnttabCopyPtr.Grant(guest.Id, new GrantRef(Gref), 0), Dest = GnttabCopyPtr.Frame(bounce, 0), Len = XenPage.Size, Flags = GntCopyFlags.SourceGref };
                    machine.Dom0.Hypercalls.GrantTable.Copy(op);
                    statuses.Add(op[0].Status);
                    if (op[0].Status == GntSt.Okay && machine.Dom0.Memory.Page(bounce).IndexOfAnyExcept(Pattern) >= 0)
                    {
                        wrongBytes = true;
                    }

                    badDomain += op[0].Status == GntSt.BadDomain ? 1 : 0;
                    if (statuses.Count == 100)
                    {
                        copying.Set();
                    }
                }
            });
            copier.Start();
            Assert.That(copying.Wait(TimeSpan.FromSeconds(20)), Is.True, "the copier got going");
            machine.DestroyDomain(guest.Id);
            copier.Join();

            int firstBad = statuses.IndexOf(GntSt.BadDomain);
            Assert.Multiple(() =>
            {
                Assert.That(firstBad, Is.GreaterThanOrEqualTo(100), $"round {round}: copies succeeded before the destruction");
                Assert.That(statuses.Take(firstBad), Is.All.EqualTo(GntSt.Okay), $"round {round}: only okay before");
                Assert.That(statuses.Skip(firstBad), Is.All.EqualTo(GntSt.BadDomain), $"round {round}: only bad_domain after");
                Assert.That(wrongBytes, Is.False, $"round {round}: every okay copy carried the guest's bytes");
                Assert.That(guest.State, Is.EqualTo(DomainState.Dead), $"round {round}: reaped once the copies stopped");
                Assert.That(machine.Frames.BlocksOutstanding, Is.EqualTo(1), $"round {round}: the guest's block is freed");
            });
        }
    }
}
