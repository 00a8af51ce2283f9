using System.Globalization;
using System.Text;
using XvifSim.Public.XenStore;

namespace XvifSim.Tests.Core.XenStore;

/// <summary>DIRECTORY_PART (core.c send_directory_part), as libxenstore uses it after E2BIG.</summary>
public class XenStoreCoreDirectoryPartTests
{
    private static XsMessage Part(XsTestClient client, string path, int offset) =>
        client.Send(XsdSockmsgType.DirectoryPart, XsTestClient.Args(path, offset.ToString(CultureInfo.InvariantCulture)));

    [Test]
    public void SmallListComesInOneChunkWithGencntAndDoubleNul()
    {
        var f = new XsFixture();
        f.Dom0.Mkdir("/dp/a");
        f.Dom0.Mkdir("/dp/bb");
        XsMessage reply = Part(f.Dom0, "/dp", 0);
        Assert.That(reply.Type, Is.EqualTo(XsdSockmsgType.DirectoryPart));
        string[] parts = reply.Text.Split('\0');
        Assert.That(ulong.TryParse(parts[0], CultureInfo.InvariantCulture, out _), Is.True, reply.ToString());
        Assert.That(reply.Text[(parts[0].Length + 1)..], Is.EqualTo("a\0bb\0\0"));
    }

    [Test]
    public void OffsetAtOrPastTheEndGivesGencntAndTwoNuls()
    {
        var f = new XsFixture();
        f.Dom0.Mkdir("/dp/a");
        string gen = Part(f.Dom0, "/dp", 0).Strings[0];
        Assert.That(Part(f.Dom0, "/dp", 2).Text, Is.EqualTo(gen + "\0\0"));
        Assert.That(Part(f.Dom0, "/dp", 500).Text, Is.EqualTo(gen + "\0\0"));
        Assert.That(Part(f.Dom0, "/dp/a", 0).Text, Does.EndWith("\0\0"));
    }

    [Test]
    public void HugeListIsChunkedLikeLibxenstoreReadsIt()
    {
        var f = new XsFixture();
        var expected = new List<string>();
        for (int i = 0; i < 150; i++)
        {
            string name = $"{i:D3}{new string('n', 60)}";
            expected.Add(name);
            f.Dom0.Mkdir("/huge/" + name);
        }

        XsAssert.IsError(f.Dom0.Directory("/huge"), "E2BIG");

        // xs.c xs_directory_part: advance by the bytes received, stop at the double NUL.
        var names = new StringBuilder();
        int offset = 0;
        string? gencnt = null;
        int chunks = 0;
        while (true)
        {
            XsMessage reply = Part(f.Dom0, "/huge", offset);
            Assert.That(reply.Payload, Has.Length.LessThanOrEqualTo(XsLimits.PayloadMax));
            string text = reply.Text;
            int genEnd = text.IndexOf('\0', StringComparison.Ordinal);
            string gen = text[..genEnd];
            gencnt ??= gen;
            Assert.That(gen, Is.EqualTo(gencnt), "no change, so the generation is stable");
            string body = text[(genEnd + 1)..];
            chunks++;
            if (body.EndsWith("\0\0", StringComparison.Ordinal) || body == "\0")
            {
                names.Append(body[..^1]);
                break;
            }

            names.Append(body);
            offset += body.Length;
        }

        Assert.That(chunks, Is.GreaterThan(1));
        Assert.That(names.ToString().Split('\0')[..^1], Is.EqualTo(expected));
    }

    [Test]
    public void GencntChangesWhenChildrenChange()
    {
        var f = new XsFixture();
        f.Dom0.Mkdir("/g/a");
        string before = Part(f.Dom0, "/g", 0).Strings[0];
        f.Dom0.Mkdir("/g/b");
        string after = Part(f.Dom0, "/g", 0).Strings[0];
        Assert.That(after, Is.Not.EqualTo(before));
    }

    [Test]
    public void MalformedRequestsAreEinval()
    {
        var f = new XsFixture();
        f.Dom0.Mkdir("/g");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.DirectoryPart, XsTestClient.Args("/g")), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.DirectoryPart, XsTestClient.Args("/g", "x")), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.DirectoryPart, XsTestClient.Args("/g", "0", "1")), "EINVAL");
        XsAssert.IsError(f.Dom0.Send(XsdSockmsgType.DirectoryPart, XsTestClient.Args("/g//", "0")), "EINVAL");
        XsAssert.IsError(Part(f.Dom0, "/missing", 0), "ENOENT");
        XsAssert.IsError(Part(f.Guest1, "/g", 0), "EACCES");
    }
}
