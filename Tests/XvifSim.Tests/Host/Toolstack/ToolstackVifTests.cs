using XvifSim.Emulator.Domains;
using XvifSim.Emulator.XenStore;
using XvifSim.Host.Toolstack;
using XvifSim.Public;
using XvifSim.Public.XenStore;
using XvifSim.Tests.Core.XenStore;
using Libxl = XvifSim.Host.Toolstack.Toolstack;

namespace XvifSim.Tests.Host.Toolstack;

/// <summary>Creating guests and adding vifs: exactly libxl's keys, values and permissions.</summary>
public class ToolstackVifTests
{
    private const string Mac = "00:16:3e:01:02:03";

    [Test]
    public void CreateGuestMakesTheDomainItsHomeAndItsMemoryKeys()
    {
        using var bed = new ToolstackTestBed();
        Domain guest = bed.Toolstack.CreateGuest(new GuestConfig("guest1") { MemoryMiB = 64 });

        Assert.Multiple(() =>
        {
            Assert.That(guest.Id, Is.EqualTo(new DomId(1)));
            Assert.That(guest.Config.RamPages, Is.EqualTo(64UL * 256));
            Assert.That(bed.Read("/local/domain/1/name"), Is.EqualTo("guest1"));
            Assert.That(bed.Read("/local/domain/1/memory/static-max"), Is.EqualTo("65536"));
            Assert.That(bed.Read("/local/domain/1/memory/target"), Is.EqualTo("65536"));
            Assert.That(bed.Perms("/local/domain/1"), Is.EqualTo(new[] { "n0", "r1" }));
            Assert.That(bed.Perms("/local/domain/1/memory/target"), Is.EqualTo(new[] { "n0", "r1" }));
            Assert.That(bed.Log, Does.Contain("libxl: domain 1 (guest1) created, 65536 KiB"));
        });
    }

    [Test]
    public void TheBackendDirectoryHasLibxlsKeysAndNothingElse()
    {
        using var bed = new ToolstackTestBed();
        bed.Toolstack.CreateGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = Mac }] });

        Assert.That(bed.Keys("/local/domain/0/backend/vif/1/0"), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["frontend"] = "/local/domain/1/device/vif/0",
            ["frontend-id"] = "1",
            ["online"] = "1",
            ["state"] = "1",
            ["script"] = "/etc/xen/scripts/vif-bridge",
            ["mac"] = Mac,
            ["bridge"] = "bridge0",
            ["handle"] = "0",
            ["type"] = "vif",
            ["hotplug-status"] = "",
        }));
    }

    [Test]
    public void TheFrontendDirectoryHasLibxlsKeysAndNothingElse()
    {
        using var bed = new ToolstackTestBed();
        bed.Toolstack.CreateGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = Mac }] });

        Assert.That(bed.Keys("/local/domain/1/device/vif/0"), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["backend"] = "/local/domain/0/backend/vif/1/0",
            ["backend-id"] = "0",
            ["state"] = "1",
            ["handle"] = "0",
            ["mac"] = Mac,
            ["trusted"] = "1",
            ["mtu"] = "1500",
        }));
    }

    [Test]
    public void PermissionsAreLibxlsForBothDirectoriesAndTheirKeys()
    {
        using var bed = new ToolstackTestBed();
        bed.Toolstack.CreateGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = Mac }] });
        const string backend = "/local/domain/0/backend/vif/1/0";
        const string frontend = "/local/domain/1/device/vif/0";

        Assert.Multiple(() =>
        {
            Assert.That(bed.Perms(backend), Is.EqualTo(new[] { "n0", "r1" }));
            foreach (string key in bed.Keys(backend).Keys)
            {
                Assert.That(bed.Perms($"{backend}/{key}"), Is.EqualTo(new[] { "n0", "r1" }), key);
            }

            Assert.That(bed.Perms(frontend), Is.EqualTo(new[] { "n1", "r0" }));
            foreach (string key in bed.Keys(frontend).Keys.Where(k => k != "mtu"))
            {
                Assert.That(bed.Perms($"{frontend}/{key}"), Is.EqualTo(new[] { "n1", "r0" }), key);
            }

            Assert.That(bed.Perms($"{frontend}/mtu"), Is.EqualTo(new[] { "n0", "r1" }), "libxl's ro_front: the guest may read its MTU, not set it");
        });
    }

    [Test]
    public void AGuestReadsItsOwnVifButNotAnotherGuests()
    {
        using var bed = new ToolstackTestBed();
        bed.Toolstack.CreateGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = Mac }] });
        bed.Toolstack.CreateGuest(new GuestConfig("guest2") { Vifs = [new VifSpec { Mac = "00:16:3e:0a:0b:0c" }] });
        var guest1 = new XsTestClient(bed.Core, new DomId(1), privileged: false);

        Assert.Multiple(() =>
        {
            XsAssert.HasValue(guest1.Read("/local/domain/0/backend/vif/1/0/mac"), Mac);
            Assert.That(guest1.Directory("/local/domain/0/backend/vif/1/0").Type, Is.EqualTo(XsdSockmsgType.Directory));
            XsAssert.HasValue(guest1.Read("/local/domain/1/device/vif/0/mtu"), "1500");
            XsAssert.IsOk(guest1.Write("/local/domain/1/device/vif/0/tx-ring-ref", "8"), XsdSockmsgType.Write);

            XsAssert.IsError(guest1.Read("/local/domain/0/backend/vif/2/0/mac"), "EACCES");
            XsAssert.IsError(guest1.Directory("/local/domain/0/backend/vif/2/0"), "EACCES");
            XsAssert.IsError(guest1.Read("/local/domain/2/device/vif/0/mac"), "EACCES");
            XsAssert.IsError(guest1.Directory("/local/domain/2/device/vif/0"), "EACCES");
            XsAssert.IsError(guest1.Write("/local/domain/0/backend/vif/1/0/state", "4"), "EACCES");
            XsAssert.IsError(guest1.Write("/local/domain/1/device/vif/0/mtu", "9000"), "EACCES");
        });
    }

    [Test]
    public void OptionalKeysAreWrittenOnlyWhenSetAndScriptsWithADirectoryAreKept()
    {
        using var bed = new ToolstackTestBed();
        bed.Toolstack.CreateGuest(new GuestConfig("guest1")
        {
            Vifs = [new VifSpec { Mac = Mac, VifName = "xv0", Ip = "10.0.0.2", Bridge = "bridge1", Script = "/usr/pkg/etc/xen/scripts/vif-bridge" }],
        });
        Dictionary<string, string> backend = bed.Keys("/local/domain/0/backend/vif/1/0");

        Assert.Multiple(() =>
        {
            Assert.That(backend["vifname"], Is.EqualTo("xv0"));
            Assert.That(backend["ip"], Is.EqualTo("10.0.0.2"));
            Assert.That(backend["bridge"], Is.EqualTo("bridge1"));
            Assert.That(backend["script"], Is.EqualTo("/usr/pkg/etc/xen/scripts/vif-bridge"));
        });
    }

    [Test]
    public void ABadMacIsWrittenVerbatimAndANullMacNotAtAll()
    {
        // The bad-mac and missing-mac scenarios: the parser would refuse both,
        // code can still ask for them.
        using var bed = new ToolstackTestBed();
        bed.Toolstack.CreateGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = "zz:not:a:mac" }, new VifSpec { Mac = null }] });

        Assert.Multiple(() =>
        {
            Assert.That(bed.Read("/local/domain/0/backend/vif/1/0/mac"), Is.EqualTo("zz:not:a:mac"));
            Assert.That(bed.Read("/local/domain/1/device/vif/0/mac"), Is.EqualTo("zz:not:a:mac"));
            Assert.That(bed.Keys("/local/domain/0/backend/vif/1/1"), Does.Not.ContainKey("mac"));
            Assert.That(bed.Keys("/local/domain/1/device/vif/1"), Does.Not.ContainKey("mac"));
            Assert.That(bed.Read("/local/domain/0/backend/vif/1/1/handle"), Is.EqualTo("1"));
        });
    }

    [Test]
    public void AParsedConfigBecomesAGuestWithItsMadeUpMac()
    {
        using var bed = new ToolstackTestBed();
        GuestConfig config = XlConfigParser.Parse("guest1.cfg", "name = 'guest1'\nvif = [ 'bridge=bridge0' ]", new Random(9)).Config!;
        bed.Toolstack.CreateGuest(config);

        Assert.That(bed.Read("/local/domain/0/backend/vif/1/0/mac"), Is.EqualTo(config.Vifs[0].Mac).And.StartsWith("00:16:3e:"));
    }

    [Test]
    public void BothDirectoriesAppearAtOnceBecauseTheyAreWrittenInOneTransaction()
    {
        using var bed = new ToolstackTestBed();
        var reader = new XsTestClient(bed.Core, DomId.Dom0, privileged: true);
        bool armed = false;
        XsMessage? atFirstEvent = null;
        XsMessage? frontendAtFirstEvent = null;
        XsConnection watcher = bed.Core.Connect(DomId.Dom0, true, (type, _, _, _) =>
        {
            if (type == XsdSockmsgType.WatchEvent && armed && atFirstEvent is null)
            {
                // The last key written; without a transaction the first event
                // (the backend mkdir) would come before it exists.
                atFirstEvent = reader.Read("/local/domain/0/backend/vif/1/0/hotplug-status");
                frontendAtFirstEvent = reader.Read("/local/domain/1/device/vif/0/mtu");
            }
        });
        bed.Core.Process(watcher, XsdSockmsgType.Watch, 1, 0, XsTestClient.Args("/local/domain/0/backend/vif", "t"));
        armed = true;

        bed.Toolstack.CreateGuest(new GuestConfig("guest1") { Vifs = [new VifSpec { Mac = Mac }] });

        Assert.Multiple(() =>
        {
            Assert.That(atFirstEvent, Is.Not.Null, "the watch fired");
            XsAssert.HasValue(atFirstEvent!.Value, "");
            XsAssert.HasValue(frontendAtFirstEvent!.Value, "1500");
            Assert.That(watcher.TransactionCount, Is.Zero);
        });
        bed.Core.Disconnect(watcher);
    }

    [Test]
    public void AddingAVifToADomainThatDoesNotExistIsHostMisuse()
    {
        using var bed = new ToolstackTestBed();
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => bed.Toolstack.AddVif(new DomId(7), new VifSpec { Mac = Mac }, 0));
            Assert.Throws<ArgumentException>(() => bed.Toolstack.AddVif(DomId.Dom0, new VifSpec { Mac = Mac }, 0));
            Assert.That(bed.Exists("/local/domain/0/backend/vif"), Is.False);
        });
    }

    [Test]
    public void PathsAreLibxls()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Libxl.BackendPath(new DomId(3), 2), Is.EqualTo("/local/domain/0/backend/vif/3/2"));
            Assert.That(Libxl.FrontendPath(new DomId(3), 2), Is.EqualTo("/local/domain/3/device/vif/2"));
        });
    }
}
