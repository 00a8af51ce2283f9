using Spectre.Console;
using Spectre.Console.Rendering;

namespace XvifSim.Cli;

/// <summary>The progress display's "done/steps" column: real steps, not a percentage that jumps.</summary>
internal sealed class StepsColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text($"{task.Value:0}/{task.MaxValue:0}");
}
