"""Band 4 of basic-python: HumanEval-like problems (parsing, several cases, a small algorithm).

Same shape as problems_very_easy.py.
"""

PROBLEMS = [
    dict(
        prompt='''def run_length_encode(text: str) -> str:
    """Compress text by writing each run of a repeated character as the character
    followed by the length of the run, even when the run has length 1.
    >>> run_length_encode('aaabcc')
    'a3b1c2'
    """
''',
        solution='''    if not text:
        return ''
    pieces = []
    current, count = text[0], 1
    for ch in text[1:]:
        if ch == current:
            count += 1
        else:
            pieces.append(current + str(count))
            current, count = ch, 1
    pieces.append(current + str(count))
    return ''.join(pieces)
''',
        tests='''    assert candidate('') == ''
    assert candidate('z') == 'z1'
    assert candidate('abab') == 'a1b1a1b1'
    assert candidate('wwwwwwwwwwwwx') == 'w12x1'
    assert candidate('  !!') == ' 2!2'
''',
    ),
    dict(
        prompt='''def run_length_decode(encoded: str) -> str:
    """Undo a run-length encoding in which every letter is followed by the decimal number
    of times it repeats (the number may have several digits).
    >>> run_length_decode('x3y1z2')
    'xxxyzz'
    """
''',
        solution='''    result = []
    i = 0
    while i < len(encoded):
        letter = encoded[i]
        i += 1
        start = i
        while i < len(encoded) and encoded[i].isdigit():
            i += 1
        result.append(letter * int(encoded[start:i]))
    return ''.join(result)
''',
        tests='''    assert candidate('') == ''
    assert candidate('q1') == 'q'
    assert candidate('a10') == 'aaaaaaaaaa'
    assert candidate('m2n0o3') == 'mmooo'
    assert candidate('b1a1b1') == 'bab'
''',
    ),
    dict(
        prompt='''def balanced_brackets(text: str) -> bool:
    """Decide whether the brackets (), [] and {} in text are properly matched and nested.
    Every other character is ignored.
    >>> balanced_brackets('f(a[1], {b: 2})')
    True
    >>> balanced_brackets('([)]')
    False
    """
''',
        solution='''    closers = {')': '(', ']': '[', '}': '{'}
    stack = []
    for ch in text:
        if ch in '([{':
            stack.append(ch)
        elif ch in closers:
            if not stack or stack.pop() != closers[ch]:
                return False
    return not stack
''',
        tests='''    assert candidate('') == True
    assert candidate('no brackets here') == True
    assert candidate('((') == False
    assert candidate('}{') == False
    assert candidate('{[()()]}[]') == True
    assert candidate('[(])') == False
    assert candidate('(]') == False
''',
    ),
    dict(
        prompt='''from typing import List


def merge_intervals(intervals: List[List[int]]) -> List[List[int]]:
    """Each interval is [start, end] with start <= end. Combine intervals that overlap or
    touch (share an end point) and return the result sorted by start.
    >>> merge_intervals([[8, 10], [1, 3], [2, 6]])
    [[1, 6], [8, 10]]
    """
''',
        solution='''    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged
''',
        tests='''    assert candidate([]) == []
    assert candidate([[1, 2]]) == [[1, 2]]
    assert candidate([[1, 4], [4, 5]]) == [[1, 5]]
    assert candidate([[1, 10], [2, 3], [4, 5]]) == [[1, 10]]
    assert candidate([[5, 6], [1, 2], [3, 4]]) == [[1, 2], [3, 4], [5, 6]]
''',
    ),
    dict(
        prompt='''def roman_to_int(numeral: str) -> int:
    """Value of a well-formed Roman numeral written with the capitals I, V, X, L, C, D, M.
    A symbol placed before a larger one is subtracted, as in IV = 4.
    >>> roman_to_int('XIV')
    14
    >>> roman_to_int('MCMXC')
    1990
    """
''',
        solution='''    values = {'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
    total = 0
    for i, symbol in enumerate(numeral):
        value = values[symbol]
        if i + 1 < len(numeral) and values[numeral[i + 1]] > value:
            total -= value
        else:
            total += value
    return total
''',
        tests='''    assert candidate('I') == 1
    assert candidate('IX') == 9
    assert candidate('LVIII') == 58
    assert candidate('CDXLIV') == 444
    assert candidate('MMXXIV') == 2024
    assert candidate('MMMCMXCIX') == 3999
''',
    ),
    dict(
        prompt='''from typing import List


def spiral_order(matrix: List[List[int]]) -> List[int]:
    """Read a rectangular matrix clockwise from the top-left corner, walking the outer
    ring first and then each inner ring.
    >>> spiral_order([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    [1, 2, 3, 6, 9, 8, 7, 4, 5]
    """
''',
        solution='''    result = []
    if not matrix:
        return result
    top, bottom = 0, len(matrix) - 1
    left, right = 0, len(matrix[0]) - 1
    while top <= bottom and left <= right:
        for c in range(left, right + 1):
            result.append(matrix[top][c])
        for r in range(top + 1, bottom + 1):
            result.append(matrix[r][right])
        if top < bottom:
            for c in range(right - 1, left - 1, -1):
                result.append(matrix[bottom][c])
        if left < right:
            for r in range(bottom - 1, top, -1):
                result.append(matrix[r][left])
        top, bottom, left, right = top + 1, bottom - 1, left + 1, right - 1
    return result
''',
        tests='''    assert candidate([]) == []
    assert candidate([[1]]) == [1]
    assert candidate([[1, 2, 3, 4]]) == [1, 2, 3, 4]
    assert candidate([[1], [2], [3]]) == [1, 2, 3]
    assert candidate([[1, 2], [3, 4]]) == [1, 2, 4, 3]
    assert candidate([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]) == [1, 2, 3, 4, 8, 12, 11, 10, 9, 5, 6, 7]
''',
    ),
    dict(
        prompt='''from typing import List


def longest_common_prefix(words: List[str]) -> str:
    """The longest string that every word starts with ('' for an empty list).
    >>> longest_common_prefix(['interview', 'internet', 'interval'])
    'inter'
    """
''',
        solution='''    if not words:
        return ''
    prefix = words[0]
    for word in words[1:]:
        while not word.startswith(prefix):
            prefix = prefix[:-1]
    return prefix
''',
        tests='''    assert candidate([]) == ''
    assert candidate(['alone']) == 'alone'
    assert candidate(['dog', 'cat']) == ''
    assert candidate(['abc', 'ab', 'abcd']) == 'ab'
    assert candidate(['same', 'same']) == 'same'
''',
    ),
    dict(
        prompt='''from typing import List


def compress_ranges(values: List[int]) -> List[str]:
    """values is sorted in increasing order without repeats. Describe it as runs of
    consecutive integers: a run of two or more becomes 'first-last', a lone number
    becomes just its digits.
    >>> compress_ranges([1, 2, 3, 5, 7, 8])
    ['1-3', '5', '7-8']
    """
''',
        solution='''    result = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        if j > i:
            result.append('%d-%d' % (values[i], values[j]))
        else:
            result.append(str(values[i]))
        i = j + 1
    return result
''',
        tests='''    assert candidate([]) == []
    assert candidate([4]) == ['4']
    assert candidate([0, 1]) == ['0-1']
    assert candidate([1, 3, 5]) == ['1', '3', '5']
    assert candidate([-3, -2, -1, 10, 11, 12, 13, 20]) == ['-3--1', '10-13', '20']
''',
    ),
    dict(
        prompt='''from typing import List


def word_wrap(text: str, width: int) -> List[str]:
    """Break text into lines of at most width characters, filling each line greedily
    with as many whole words as fit, separated by single spaces. No word is longer
    than width.
    >>> word_wrap('the quick brown fox jumps', 10)
    ['the quick', 'brown fox', 'jumps']
    """
''',
        solution='''    lines = []
    current = ''
    for word in text.split():
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += ' ' + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines
''',
        tests='''    assert candidate('', 5) == []
    assert candidate('hello', 5) == ['hello']
    assert candidate('a b c d', 3) == ['a b', 'c d']
    assert candidate('aaa bb c', 6) == ['aaa bb', 'c']
    assert candidate('one two three', 100) == ['one two three']
''',
    ),
    dict(
        prompt='''from typing import List


def two_sum_indices(values: List[int], target: int) -> List[int]:
    """Find positions i < j with values[i] + values[j] == target. Choose the smallest
    possible j, and for that j the smallest i. Return [i, j], or [] when no pair exists.
    >>> two_sum_indices([2, 7, 11, 15], 9)
    [0, 1]
    """
''',
        solution='''    first_seen = {}
    for j, value in enumerate(values):
        wanted = target - value
        if wanted in first_seen:
            return [first_seen[wanted], j]
        if value not in first_seen:
            first_seen[value] = j
    return []
''',
        tests='''    assert candidate([], 1) == []
    assert candidate([5], 10) == []
    assert candidate([3, 3], 6) == [0, 1]
    assert candidate([1, 2, 3, 4], 7) == [2, 3]
    assert candidate([4, 1, 4, 3], 5) == [0, 1]
    assert candidate([1, 5, 1, 5], 2) == [0, 2]
''',
    ),
    dict(
        prompt='''def valid_ipv4(address: str) -> bool:
    """Whether address is a dotted IPv4 address: exactly four parts separated by '.',
    each made only of decimal digits, with a value from 0 to 255 and no leading zero
    unless the part is the single digit 0.
    >>> valid_ipv4('192.168.0.1')
    True
    >>> valid_ipv4('10.0.0.256')
    False
    """
''',
        solution='''    parts = address.split('.')
    if len(parts) != 4:
        return False
    for part in parts:
        if not part or not all(ch in '0123456789' for ch in part):
            return False
        if len(part) > 1 and part[0] == '0':
            return False
        if int(part) > 255:
            return False
    return True
''',
        tests='''    assert candidate('0.0.0.0') == True
    assert candidate('255.255.255.255') == True
    assert candidate('1.2.3') == False
    assert candidate('1.2.3.4.5') == False
    assert candidate('01.2.3.4') == False
    assert candidate('1..3.4') == False
    assert candidate('a.b.c.d') == False
    assert candidate('1.2.3.-4') == False
''',
    ),
    dict(
        prompt='''from typing import List


def evaluate_rpn(tokens: List[str]) -> int:
    """Evaluate an arithmetic expression in reverse Polish notation: operands are
    integers, the operators are '+', '-' and '*', and each operator applies to the two
    values before it. The expression is always well formed.
    >>> evaluate_rpn(['2', '3', '+', '4', '*'])
    20
    """
''',
        solution='''    stack = []
    for token in tokens:
        if token in ('+', '-', '*'):
            right = stack.pop()
            left = stack.pop()
            if token == '+':
                stack.append(left + right)
            elif token == '-':
                stack.append(left - right)
            else:
                stack.append(left * right)
        else:
            stack.append(int(token))
    return stack[0]
''',
        tests='''    assert candidate(['7']) == 7
    assert candidate(['5', '8', '-']) == -3
    assert candidate(['-2', '3', '*']) == -6
    assert candidate(['1', '2', '3', '*', '+']) == 7
    assert candidate(['10', '4', '-', '2', '1', '+', '*']) == 18
''',
    ),
    dict(
        prompt='''from typing import List


def balance_point(values: List[int]) -> int:
    """The first index i at which the numbers left of i add up to the same total as the
    numbers right of i (the element at i itself belongs to neither side); -1 if none.
    >>> balance_point([1, 7, 3, 6, 5, 6])
    3
    """
''',
        solution='''    total = sum(values)
    left = 0
    for i, value in enumerate(values):
        if left == total - left - value:
            return i
        left += value
    return -1
''',
        tests='''    assert candidate([]) == -1
    assert candidate([9]) == 0
    assert candidate([1, 2, 3]) == -1
    assert candidate([2, 1, -1]) == 0
    assert candidate([1, 0, 1]) == 1
    assert candidate([-1, -1, 0, 1, 1, 0]) == 5
''',
    ),
]
