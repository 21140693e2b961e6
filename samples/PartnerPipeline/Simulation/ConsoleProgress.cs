namespace PartnerPipeline.Simulation;

/// <summary>A one-line progress bar on an interactive console; one line per update when output is redirected.</summary>
internal sealed class ConsoleProgress(TextWriter output, bool interactive)
{
    private const int Width = 30;
    private int _lastPercent = -1;

    public void Report(double fraction, string status)
    {
        var percent = (int)Math.Round(Math.Clamp(fraction, 0, 1) * 100);
        if (percent == _lastPercent)
        {
            return;
        }

        _lastPercent = percent;
        var filled = percent * Width / 100;
        var bar = $"[{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}% {status}";
        if (interactive)
        {
            output.Write("\r" + bar.PadRight(Console.BufferWidth > 0 ? Math.Min(Console.BufferWidth - 1, 120) : 100));
        }
        else if (percent % 10 == 0)
        {
            output.WriteLine(bar);
        }
    }

    public void Done()
    {
        if (interactive)
        {
            output.WriteLine();
        }
    }
}
