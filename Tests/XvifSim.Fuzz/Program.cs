using SharpFuzz;
using XvifSim.Fuzz;

// xvifsim-fuzz <target>            serve afl-fuzz (SharpFuzz's persistent fork server; input on stdin)
// xvifsim-fuzz <target> <file>...  run each file once in this process and say which find a bug
if (args.Length == 0 || FuzzTargets.Create(args[0]) is not IFuzzTarget target)
{
    Console.Error.WriteLine($"usage: XvifSim.Fuzz <{string.Join('|', FuzzTargets.Names)}> [input-file...]");
    return 2;
}

using IFuzzTarget disposing = target;

if (args.Length == 1)
{
    // In-process persistent mode: the target keeps its machine between
    // inputs, which is what makes a run cost microseconds, not a process start.
    Fuzzer.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    });
    return 0;
}

int found = 0;
foreach (string file in args.Skip(1))
{
    try
    {
        target.Run(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: ok");
    }
    catch (Exception e)
    {
        found++;
        Console.WriteLine($"{file}: FINDING {e}");
    }
}

return found == 0 ? 0 : 1;
