package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// styles is every style of the UI, built once from a small palette for a
// light or dark background. With noColor only bold, faint and reverse are
// used (NO_COLOR).
type styles struct {
	dark, noColor bool

	Title     lipgloss.Style // step title
	Step      lipgloss.Style // "4/11"
	Badge     lipgloss.Style // SIMULATED
	Context   lipgloss.Style // "mlw-prod · eastus" in the header
	Header    lipgloss.Style // table header
	Selected  lipgloss.Style // cursor row
	Dim       lipgloss.Style // restricted rows, secondary text
	Muted     lipgloss.Style // help-ish text
	OK        lipgloss.Style
	Warn      lipgloss.Style
	Error     lipgloss.Style
	Info      lipgloss.Style
	Block     lipgloss.Style // BLOCK label
	Key       lipgloss.Style // key names in prose
	Value     lipgloss.Style // answers in the summary
	Tag       lipgloss.Style // GPU/FPGA tag
	BarFill   lipgloss.Style
	BarOver   lipgloss.Style // the part of a bar below threshold / over limit
	BarReq    lipgloss.Style // requested part of a quota bar
	BarEmpty  lipgloss.Style
	Frame     lipgloss.Style // dialogs
	FieldName lipgloss.Style
	Focused   lipgloss.Style // focused form field label
	Help      help.Styles
	Input     textinput.Styles
}

// input renders a text input with the current styles.
func (s *styles) input(in *textinput.Model) string {
	in.SetStyles(s.Input)
	return in.View()
}

func newStyles(dark, noColor bool) *styles {
	s := &styles{dark: dark, noColor: noColor}
	ld := lipgloss.LightDark(dark)
	c := func(light, darkHex string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(darkHex)) }
	if noColor {
		plain := lipgloss.NewStyle()
		s.Title = plain.Bold(true)
		s.Step = plain.Bold(true)
		s.Badge = plain.Reverse(true).Bold(true)
		s.Context = plain
		s.Header = plain.Bold(true)
		s.Selected = plain.Reverse(true)
		s.Dim = plain.Faint(true)
		s.Muted = plain.Faint(true)
		s.OK = plain
		s.Warn = plain.Bold(true)
		s.Error = plain.Bold(true)
		s.Info = plain
		s.Block = plain.Bold(true).Reverse(true)
		s.Key = plain.Bold(true)
		s.Value = plain.Bold(true)
		s.Tag = plain.Bold(true)
		s.BarFill = plain
		s.BarOver = plain.Bold(true)
		s.BarReq = plain.Bold(true)
		s.BarEmpty = plain.Faint(true)
		s.Frame = plain.Border(lipgloss.NormalBorder()).Padding(0, 1)
		s.FieldName = plain
		s.Focused = plain.Bold(true).Reverse(true)
		s.Input = textinput.Styles{
			Focused: textinput.StyleState{Text: plain, Placeholder: plain.Faint(true), Suggestion: plain.Faint(true), Prompt: plain},
			Blurred: textinput.StyleState{Text: plain.Faint(true), Placeholder: plain.Faint(true), Suggestion: plain.Faint(true), Prompt: plain},
		}
		s.Help = help.Styles{
			ShortKey: plain.Bold(true), ShortDesc: plain, ShortSeparator: plain.Faint(true),
			FullKey: plain.Bold(true), FullDesc: plain, FullSeparator: plain.Faint(true), Ellipsis: plain.Faint(true),
		}
		return s
	}
	accent := c("#5A3FD6", "#9D8CFF")
	green := c("#1A7F37", "#3FB950")
	yellow := c("#9A6700", "#D29922")
	red := c("#CF222E", "#F85149")
	blue := c("#0969DA", "#58A6FF")
	grey := c("#6E7781", "#8B949E")
	faint := c("#AFB8C1", "#484F58")
	fg := c("#1F2328", "#E6EDF3")
	selBg := c("#DDF4FF", "#1F2F4F")

	base := lipgloss.NewStyle()
	s.Title = base.Bold(true).Foreground(accent)
	s.Step = base.Foreground(grey)
	s.Badge = base.Bold(true).Foreground(lipgloss.Color("#FFFFFF")).Background(c("#BF3989", "#DB61A2")).Padding(0, 1)
	s.Context = base.Foreground(grey)
	s.Header = base.Bold(true).Foreground(fg)
	s.Selected = base.Bold(true).Foreground(fg).Background(selBg)
	s.Dim = base.Foreground(faint)
	s.Muted = base.Foreground(grey)
	s.OK = base.Foreground(green)
	s.Warn = base.Foreground(yellow)
	s.Error = base.Foreground(red)
	s.Info = base.Foreground(blue)
	s.Block = base.Bold(true).Foreground(red)
	s.Key = base.Bold(true).Foreground(accent)
	s.Value = base.Bold(true).Foreground(fg)
	s.Tag = base.Foreground(yellow)
	s.BarFill = base.Foreground(green)
	s.BarOver = base.Foreground(red)
	s.BarReq = base.Foreground(accent)
	s.BarEmpty = base.Foreground(faint)
	s.Frame = base.Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.FieldName = base.Foreground(grey)
	s.Focused = base.Bold(true).Foreground(accent)
	s.Help = help.DefaultStyles(dark)
	// separators and the ellipsis in grey, not the default's near-black,
	// which a 16-colour terminal shows as black on a dark background
	s.Help.ShortSeparator = base.Foreground(grey)
	s.Help.FullSeparator = base.Foreground(grey)
	s.Help.Ellipsis = base.Foreground(grey)
	s.Input = textinput.DefaultStyles(dark)
	s.Input.Cursor.Blink = false // no blink timers
	return s
}

// note is an information line under a form: "i " and the text, wrapped
// to w.
func (st *styles) note(text string, w int) string {
	return wrap(st.Info.Render("i ")+st.Muted.Render(text), w) + "\n"
}
