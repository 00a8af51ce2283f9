using XvifSim.Cli;

namespace XvifSim.Tests.Host;

/// <summary>Runs the xvifsim command line in-process as a user types it, with stdout and stderr captured (so the output is redirected, as in a pipe).</summary>
internal static class XvifSimCli
{
    public static (int Exit, string Out, string Err) Invoke(params string[] args)
    {
        TextWriter oldOut = Console.Out, oldErr = Console.Error;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int exit = XvifSimCommand.Run(args);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
