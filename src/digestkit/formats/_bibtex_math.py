"""Which `$...$` math is safe to hand to LaTeX: control sequences from an allow-list, nothing else.

A title's math reaches pdflatex verbatim, and TeX math can do anything TeX can: `\\input` a file,
`\\openout` one, loop forever with `\\def`. Safety is decided on TeX's own tokens: a control word
is a backslash and ASCII letters (LaTeX documents give only those catcode 11), a control symbol is
a backslash and one other character. `^^` is refused outright because TeX's tokenizer turns
`^^5c` into a backslash (and does so inside control sequence names too), and `%` `#` `&` because
they comment out, parametrise or align, which no title's math needs.

The allow-list holds the math people write in paper titles (every control sequence of the corpus
is in it) from LaTeX, amsmath and amssymb. BibTeX styles change the case of titles, so a test
checks with pdflatex that each name's lower- and uppercase form is allowed too or undefined.
"""

from __future__ import annotations

import re

_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
)
_OPERATORS = (
    "pm mp times div cdot ast star circ bullet oplus ominus otimes oslash odot cap cup sqcap "
    "sqcup vee wedge setminus diamond triangleleft triangleright dagger ddagger uplus "
    "sum prod coprod int oint iint iiint bigcup bigcap bigvee bigwedge bigoplus bigotimes bigodot "
    "bigsqcup biguplus"
)
_RELATIONS = (
    "leq le geq ge neq ne equiv sim simeq approx cong propto prec succ preceq succeq ll gg "
    "subset supset subseteq supseteq in ni notin mid parallel perp models vdash dashv asymp "
    "doteq sqsubseteq sqsupseteq not leqslant geqslant lesssim gtrsim triangleq"
)
_ARROWS = (
    "leftarrow rightarrow to gets leftrightarrow Leftarrow Rightarrow Leftrightarrow "
    "longleftarrow longrightarrow Longleftarrow Longrightarrow longleftrightarrow "
    "Longleftrightarrow mapsto longmapsto uparrow downarrow Uparrow Downarrow updownarrow "
    "Updownarrow nearrow searrow swarrow nwarrow hookleftarrow hookrightarrow iff implies "
    "rightleftharpoons"
)
_SYMBOLS = (
    "infty nabla partial forall exists nexists neg lnot emptyset varnothing ell hbar imath jmath "
    "wp Re Im aleph prime angle triangle top bot surd sharp checkmark dots ldots cdots vdots ddots "
    "colon langle rangle lceil rceil lfloor rfloor lvert rvert lVert rVert vert Vert lbrace "
    "rbrace backslash"
)
_FUNCTIONS = (
    "log ln exp sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh coth lim liminf "
    "limsup max min sup inf arg det dim gcd hom ker deg Pr"
)
_CONSTRUCTS = (
    "frac dfrac tfrac binom sqrt hat widehat tilde widetilde bar overline underline vec dot ddot "
    "acute grave breve check mathring overrightarrow overleftarrow overbrace underbrace "
    "left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr "
    "quad qquad limits nolimits displaystyle textstyle scriptstyle ensuremath"
)
_FONTS = (
    "mathcal mathbb mathbf mathrm mathit mathsf mathtt mathfrak boldsymbol operatorname "
    "text textbf textit textrm textsf texttt textsc textup emph"
)
CONTROL_WORDS = frozenset(
    " ".join(
        (_GREEK, _OPERATORS, _RELATIONS, _ARROWS, _SYMBOLS, _FUNCTIONS, _CONSTRUCTS, _FONTS)
    ).split()
)
# `\,` and friends are spacing, `\{` `\}` `\|` delimiters, `\%` `\&` `\#` `\_` the characters.
CONTROL_SYMBOLS = frozenset(",;:!> {}|%&#_")

_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.|$)|\^\^|[%#&\x00-\x1f\x7f]", re.DOTALL)


def unsafe_token(segment: str) -> str | None:
    """The first token of a `$...$` segment that LaTeX must not see, else None.

    An empty segment (`$$`) is unsafe too: TeX reads it as display math, not as a title's math.
    """
    if segment == "$$":
        return "$$"
    for match in _TOKEN.finditer(segment, 1, len(segment) - 1):
        token = match.group()
        if token.startswith("\\") and len(token) > 1:
            name = token[1:]
            if name in CONTROL_WORDS if name[0].isalpha() else name in CONTROL_SYMBOLS:
                continue
        return token or "\\"
    return None
