using System.CommandLine;
using System.CommandLine.Help;

namespace XvifSim.Cli;

/// <summary>
/// The one-line usage of each command and the error line before it, built
/// from the command's own arguments and options so they cannot drift apart;
/// and help whose usage names ./run-sim.sh, how users start the program.
/// </summary>
internal static class CliUsage
{
    /// <summary>"xvifsim run", or "xvifsim" for the root: how an error line starts.</summary>
    public static string Prefix(Command command) => command is RootCommand ? "xvifsim" : $"xvifsim {command.Name}";

    /// <summary>Prints <c>xvifsim &lt;command&gt;: message</c> and the usage line on stderr; returns exit code 2.</summary>
    public static int Fail(Command command, string message)
    {
        Console.Error.WriteLine($"{Prefix(command)}: {message}");
        Console.Error.WriteLine(Line(command));
        return XvifSimCommand.BadInput;
    }

    /// <summary><c>usage: ./run-sim.sh run [scenario] [--seed N] ...</c>.</summary>
    public static string Line(Command command)
    {
        if (command is RootCommand root)
        {
            return $"usage: {XvifSimCommand.Launcher} <command> [options], commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))}; {XvifSimCommand.Launcher} --help tells more";
        }

        return $"usage: {Synopsis(command)}";
    }

    /// <summary>
    /// System.CommandLine's help for <paramref name="command"/> with its usage
    /// line, which names the assembly, replaced by the one users type.
    /// </summary>
    public static string HelpWithLauncher(string help, Command command)
    {
        string[] lines = help.Split('\n');
        int usage = Array.FindIndex(lines, l => l.TrimEnd() == "Usage:");
        if (usage >= 0 && usage + 1 < lines.Length)
        {
            lines[usage + 1] = $"  {(command is RootCommand ? $"{XvifSimCommand.Launcher} <command> [options]" : Synopsis(command))}";
        }

        return string.Join('\n', lines);
    }

    private static string Synopsis(Command command)
    {
        var parts = new List<string> { XvifSimCommand.Launcher, command.Name };
        foreach (Argument argument in command.Arguments)
        {
            string name = argument.HelpName ?? argument.Name;
            parts.Add(argument.Arity.MinimumNumberOfValues == 0 ? $"[{name}]"
                : argument.Arity.MaximumNumberOfValues > 1 ? $"{name}..." : name);
        }

        foreach (Option option in command.Options.Where(o => o is not HelpOption and not VersionOption))
        {
            string text = option.ValueType == typeof(bool) ? option.Name : $"{option.Name} {option.HelpName ?? "VALUE"}";
            parts.Add(option.Required ? text : $"[{text}]");
        }

        return string.Join(' ', parts);
    }
}
