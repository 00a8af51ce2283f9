using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace XvifSim.Cli;

/// <summary>Elapsed time in seconds with tenths: most scenarios take under a second, which hh:mm:ss shows as 00:00:00.</summary>
internal sealed class TenthsElapsedColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(string.Create(CultureInfo.InvariantCulture, $"{(task.ElapsedTime ?? TimeSpan.Zero).TotalSeconds,7:0.0} s"));
}
